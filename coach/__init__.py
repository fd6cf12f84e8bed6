"""coach: an offline, voice-driven coach for exercises in emotional intimacy."""

__version__ = "0.1.0"
