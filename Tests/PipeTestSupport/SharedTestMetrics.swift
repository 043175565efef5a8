import Metrics
import MetricsTestKit

/// The one `TestMetrics` factory of the test process: swift-metrics can be bootstrapped once per process, and
/// every suite that reads metrics back (HTTP client, pipelines) shares this one.
public enum SharedTestMetrics {
    /// The factory, bootstrapped on first use; instruments made afterwards report here.
    public static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()
}
