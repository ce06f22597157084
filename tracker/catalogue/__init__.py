"""The targets: indicators.yaml and the saved programmes, loaded into typed, validated models.

The package's public face: ``from tracker.catalogue import load_catalogue, Catalogue, CatalogueError …``.
models.py holds the entries' models, catalogue.py the loaded Catalogue and its queries, loading.py the
reading and checking of the files, yaml_files.py their YAML and its copies kept on disk.
"""

from tracker.catalogue.catalogue import Catalogue, catalogue_rows, entry_state, lineage_text
from tracker.catalogue.loading import (BUNDLED_SEEDS, DEFAULT_PATH, PROGRAMME_KEYS, catalogue_key, load_catalogue,
                                       merge_programmes, parse_catalogue, parse_once, programme_files, read_catalogue,
                                       read_with_programmes, seeds_dir, shared_seeds_dir, skipped_programme_notice)
from tracker.catalogue.models import (DEFAULT_TOLERANCE, NUMERIC_KINDS, UNITS, Agency, Baseline, CatalogueError,
                                      CatalogueFile, Comparator, Concept, DirectionTarget, Document, Indicator,
                                      Jurisdiction, Kind, Level, MilestoneTarget, Names, NumericTarget, Sector, Territory)
from tracker.catalogue.yaml_files import cache_dir, content_hash, model_sources

__all__ = ["BUNDLED_SEEDS", "DEFAULT_PATH", "DEFAULT_TOLERANCE", "NUMERIC_KINDS", "PROGRAMME_KEYS", "UNITS", "Agency",
           "Baseline", "Catalogue", "CatalogueError", "CatalogueFile", "Comparator", "Concept", "DirectionTarget",
           "Document", "Indicator", "Jurisdiction", "Kind", "Level", "MilestoneTarget", "Names", "NumericTarget",
           "Sector", "Territory", "cache_dir", "catalogue_key", "catalogue_rows", "content_hash", "entry_state",
           "lineage_text", "load_catalogue", "merge_programmes", "model_sources", "parse_catalogue", "parse_once",
           "programme_files", "read_catalogue", "read_with_programmes", "seeds_dir", "shared_seeds_dir",
           "skipped_programme_notice"]
