"""The lowest layer: what every app may use and that knows nothing of the domain."""
