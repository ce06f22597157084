"""Words every layer of the tracker uses. Nothing here imports anything else of ``tracker``."""
