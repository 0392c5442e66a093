#!/usr/bin/env python3
"""Searches a tlsearch index from Python through the C API, with ctypes only.

    python3 search.py DB QUERY [LANE]

prints the hits (id, date, title) and the actor counts of all matches. The
library is $TLSEARCH_LIBRARY (a path to libtlsearch.so) when set, else the
one the system finds (ctypes.util.find_library).
"""
import ctypes
import ctypes.util
import json
import os
import sys


def load_library(path=None):
    path = path or os.environ.get("TLSEARCH_LIBRARY") or ctypes.util.find_library("tlsearch")
    if not path:
        raise OSError("libtlsearch not found: set TLSEARCH_LIBRARY to its path")
    lib = ctypes.CDLL(path)
    lib.tlsearch_version.restype = ctypes.c_char_p
    lib.tlsearch_last_error.restype = ctypes.c_char_p
    lib.tlsearch_open.restype = ctypes.c_void_p
    lib.tlsearch_open.argtypes = [ctypes.c_char_p]
    lib.tlsearch_close.argtypes = [ctypes.c_void_p]
    lib.tlsearch_request_new.restype = ctypes.c_void_p
    lib.tlsearch_request_new.argtypes = [ctypes.c_char_p]
    lib.tlsearch_request_free.argtypes = [ctypes.c_void_p]
    lib.tlsearch_request_add_filter.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.tlsearch_request_set_window.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
    # Strings returned as char* belong to the caller: keep the raw pointer
    # (c_void_p, not c_char_p, which would copy and lose it) to free it.
    lib.tlsearch_search_json.restype = ctypes.c_void_p
    lib.tlsearch_search_json.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.tlsearch_get_event_json.restype = ctypes.c_void_p
    lib.tlsearch_get_event_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.tlsearch_string_free.argtypes = [ctypes.c_void_p]
    return lib


class TlsearchError(Exception):
    pass


class Index:
    """A read-only tlsearch index; use with `with Index(path) as index:`."""

    def __init__(self, db_path, lib=None):
        self._lib = lib or load_library()
        self._db = self._lib.tlsearch_open(os.fsencode(db_path))
        if not self._db:
            raise TlsearchError(self._error())

    def _error(self):
        return self._lib.tlsearch_last_error().decode("utf-8", "replace")

    def _take_json(self, pointer):
        if not pointer:
            raise TlsearchError(self._error())
        try:
            return json.loads(ctypes.string_at(pointer).decode("utf-8"))
        finally:
            self._lib.tlsearch_string_free(pointer)

    def search(self, query="", limit=10, **filters):
        """The search document of `tlsearch --json` (docs/json.md) as a dict.
        filters: lane=..., actor=..., tag=..., status=..., type=... (a string
        or a list of strings)."""
        request = self._lib.tlsearch_request_new(query.encode("utf-8"))
        if not request:
            raise MemoryError()
        try:
            for facet, values in filters.items():
                for value in [values] if isinstance(values, str) else values:
                    if self._lib.tlsearch_request_add_filter(
                            request, facet.encode(), value.encode("utf-8")) != 0:
                        raise TlsearchError(self._error())
            if self._lib.tlsearch_request_set_window(request, 0, limit) != 0:
                raise TlsearchError(self._error())
            return self._take_json(self._lib.tlsearch_search_json(self._db, request))
        finally:
            self._lib.tlsearch_request_free(request)

    def events(self, event_id):
        """Every event with this id (usually one) as dicts."""
        return self._take_json(
            self._lib.tlsearch_get_event_json(self._db, event_id.encode("utf-8")))["events"]

    def close(self):
        if self._db:
            self._lib.tlsearch_close(self._db)
            self._db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    if len(argv) not in (3, 4):
        print("usage: search.py DB QUERY [LANE]", file=sys.stderr)
        return 2
    try:
        with Index(argv[1]) as index:
            filters = {"lane": argv[3]} if len(argv) == 4 else {}
            result = index.search(argv[2], limit=5, **filters)
    except (OSError, TlsearchError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f'{result["total"]} events for "{argv[2]}"')
    for hit in result["hits"]:
        print(f'  {hit["id"]}  {hit["date"]}  {hit["title"]}')
    if "actors" in result["facets"]:
        print("actors:" + "".join(f' {v["value"]} ({v["count"]})'
                                  for v in result["facets"]["actors"]))
    return 0 if result["total"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
