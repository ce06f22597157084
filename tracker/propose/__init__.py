"""Moved to tracker.catalogue.propose (issue 18); this alias goes when the callers move."""
import sys
import tracker.catalogue.propose as _moved
from tracker.catalogue.propose import guarded, model, reading, sections, targets, tasks  # noqa: F401
sys.modules[__name__] = _moved
# The package's modules too: ``tracker.catalogue.propose.reading`` would otherwise be loaded a second time, as
# another module whose classes and patched names differ from tracker.catalogue.propose.reading's.
for _name in ("guarded", "model", "reading", "sections", "targets", "tasks"):
    sys.modules[f"{__name__}.{_name}"] = getattr(_moved, _name)
