"""The reliability suite: fuzzing, probes, load and faults against the real server."""
