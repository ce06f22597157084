"""YAML read as ``yaml.load(text, Loader=yaml.CSafeLoader)`` reads it, the same values, about twice as fast.

libyaml (PyYAML's C parser) scans a national catalogue in well under a second; the rest of PyYAML's time
is Python: a tag resolved by regular expressions for each of a million plain scalars (the same few
hundred keys and words again and again), and every value built through generators that allow for
structures containing themselves. Here a plain scalar's tag is resolved once per distinct text in a
read, and the values are built by one direct walk of the composed nodes. The walk handles the nodes a
safe load makes of plain data (strings, numbers, booleans, nulls, dates, lists, mappings with scalar
keys), each scalar through PyYAML's own constructor; at anything else (a merge key, a set, an explicit
tag, a value that fails) it hands the same nodes to PyYAML's construction, so the result, or the error,
is PyYAML's.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_KINDS = ("null", "bool", "int", "float", "timestamp")
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


class _Unusual(Exception):
    """A node the direct walk leaves to PyYAML's construction."""


if hasattr(yaml, "CSafeLoader"):
    class _Loader(yaml.CSafeLoader):
        """CSafeLoader with a plain scalar's tag remembered per text for one read (the safe loader has no
        path resolvers, so the tag depends on the text alone)."""

        def __init__(self, stream):
            super().__init__(stream)
            self._plain_tags: dict[str, str] = {}

        def resolve(self, kind, value, implicit):
            if kind is ScalarNode and implicit[0]:
                tag = self._plain_tags.get(value)
                if tag is None:
                    tag = self._plain_tags[value] = super().resolve(kind, value, implicit)
                return tag
            return super().resolve(kind, value, implicit)

        def descend_resolver(self, current_node, current_index):
            pass   # path resolvers only; the safe loader has none (checked below)

        def ascend_resolver(self):
            pass

    assert not _Loader.yaml_path_resolvers
    _SCALARS = {tag: f for tag, f in _Loader.yaml_constructors.items()
                if tag and tag.rsplit(":", 1)[-1] in _PLAIN_KINDS}
else:   # PyYAML built without libyaml: its own loader, as before
    _Loader = None


def load(text: str) -> object:
    """The values of YAML ``text``, exactly as yaml.load(text, Loader=yaml.CSafeLoader) gives them, or
    the same error."""
    if _Loader is None:
        return yaml.load(text, Loader=yaml.SafeLoader)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(loader, node)
        except Exception:   # _Unusual, or a value PyYAML's construction will refuse in its own words
            return loader.construct_document(node)
    finally:
        loader.dispose()


def _build(loader, root) -> object:
    made: dict[int, object] = {}    # an alias is the same node again: the same list or dict, as PyYAML makes

    def build(node):
        kind = type(node)
        if kind is ScalarNode:
            if node.tag == _STR:
                return node.value
            construct = _SCALARS.get(node.tag)
            if construct is None:
                raise _Unusual(node.tag)
            return construct(loader, node)
        found = made.get(id(node))
        if found is not None:
            return found
        if kind is SequenceNode and node.tag == _SEQ:
            items: list = []
            made[id(node)] = items
            items.extend([build(child) for child in node.value])
            return items
        if kind is MappingNode and node.tag == _MAP:
            mapping: dict = {}
            made[id(node)] = mapping
            for key_node, value_node in node.value:
                if type(key_node) is not ScalarNode or key_node.tag in _SPECIAL_KEYS:
                    raise _Unusual("key")
                mapping[build(key_node)] = build(value_node)
            return mapping
        raise _Unusual(node.tag)

    return build(root)
