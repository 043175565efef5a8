import Foundation
import NIOCore
import PipeCore
import PostgresNIO

/// Reading `pipe_jobs` rows.
enum JobRows {
    static func job(_ row: PostgresRandomAccessRow) throws -> Job {
        let stateName = try row["state"].decode(String.self)
        guard let state = JobState(rawValue: stateName) else {
            throw PipeError(.internalError, "a job has the unknown state \(stateName)")
        }
        return Job(
            id: try JobID(try row["id"].decode(String.self)),
            pipeline: try PipelineID(try row["pipeline"].decode(String.self)), state: state,
            attempts: try row["attempts"].decode(Int.self),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row["updated_at"].decode(Double.self)),
            error: try row["error"].decode(String?.self),
            owner: try row["owner"].decode(String?.self).map { try UserID($0) })
    }

    static func payload(_ row: PostgresRandomAccessRow) throws -> JSONValue {
        var bytes = try row["payload"].decode(ByteBuffer.self)
        return try JSONValue(parsing: bytes.readBytes(length: bytes.readableBytes) ?? [])
    }

    /// Runs `body`, reporting a row it cannot read as an internal error rather than a decoding error.
    static func decode<T>(_ body: () throws -> T) throws(PipeError) -> T {
        do {
            return try body()
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.internalError, "a stored job cannot be read: \(error)")
        }
    }
}
