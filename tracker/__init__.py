"""NQ45 Tracker: progress of Vietnamese provinces against their Resolution 45-NQ/TW targets."""

__version__ = "0.1.0"
