"""Every schema in the OpenAPI document is one class: two apps' `EventOut` must not silently share a name
(the generator keeps one of them and the other endpoint is documented with the wrong fields)."""

from collections import defaultdict

from ninja import Schema

from bianmin.api import api


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_two_of_our_schemas_share_a_name():
    api.get_openapi_schema()  # imports every router's schemas
    by_name = defaultdict(set)
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("bianmin."):
            by_name[cls.__name__].add(cls.__module__)
    shared = {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1}
    assert not shared, shared
