/// Something that happened to a pipeline job, as a ``JobService`` reports it.
public enum JobEvent: Sendable, Hashable {
    /// The job moved to a new state (the first event is the state it was in when you asked).
    case state(JobState)
    /// Records have moved: read from the source so far, and written by the last step.
    case progress(read: Int, written: Int)
}
