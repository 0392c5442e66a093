#!/usr/bin/env python3
"""The C API through Python ctypes (examples/python/search.py's Index), on
the same index as the command line, whose --json output is the reference.

    capi_test.py EXAMPLES_PYTHON_DIR TLSEARCH_BINARY SEED_INDEX

TLSEARCH_LIBRARY names the libtlsearch.so to load."""
import json
import os
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, sys.argv[1])
import search  # noqa: E402  (examples/python/search.py)

TLSEARCH, INDEX = sys.argv[2], sys.argv[3]


def cli_json(*args):
    run = subprocess.run([TLSEARCH, "--db", INDEX, "--json", *args],
                         capture_output=True, check=False)
    return json.loads(run.stdout)


class CApiFromPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lib = search.load_library()
        cls.index = search.Index(INDEX, cls.lib)

    @classmethod
    def tearDownClass(cls):
        cls.index.close()

    def test_version(self):
        self.assertRegex(self.lib.tlsearch_version().decode(), r"^\d+\.\d+\.\d+$")

    def test_search_matches_the_command_line(self):
        got = self.index.search("police footage", limit=5, lane="Surveillance Infrastructure")
        want = cli_json("police footage", "-n", "5", "--lane", "Surveillance Infrastructure")
        for doc in (got, want):
            doc.pop("elapsed_ms")
        self.assertEqual(got, want)
        self.assertEqual(got["version"], 1)
        self.assertGreater(got["total"], 0)

    def test_filters_of_every_facet_and_lists(self):
        got = self.index.search("", limit=50, lane=["Media Capture & Control", "Judicial Capture"],
                                status="confirmed")
        want = cli_json("-n", "50", "--lane", "Media Capture & Control", "--lane",
                        "Judicial Capture", "--status", "confirmed")
        self.assertEqual([h["id"] for h in got["hits"]], [h["id"] for h in want["hits"]])
        self.assertEqual(got["total"], want["total"])

    def test_events(self):
        hit = self.index.search("ring police portal", limit=1)["hits"][0]
        events = self.index.events(hit["id"])
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["id"], hit["id"])
        self.assertIn("body", events[0])
        self.assertEqual(self.index.events("no-such-event"), [])

    def test_unicode_and_odd_queries_do_not_fail(self):
        for query in ["café ümlaut 東京", "((( AND \"police", "-", "*", "title:"]:
            doc = self.index.search(query)
            self.assertIn("total", doc)

    def test_errors_raise_with_the_message(self):
        with self.assertRaisesRegex(search.TlsearchError, "colour"):
            self.index.search("police", colour="red")
        with self.assertRaisesRegex(search.TlsearchError, "tlsearch index"):
            search.Index(os.path.join(INDEX, "missing"), self.lib)
        with self.assertRaisesRegex(search.TlsearchError, "limit"):
            self.index.search("police", limit=100000)
        # The library still answers after errors.
        self.assertGreater(self.index.search("police")["total"], 0)

    def test_one_handle_per_thread(self):
        results = []

        def worker():
            with search.Index(INDEX, self.lib) as index:
                for _ in range(5):
                    results.append(index.search("surveillance")["total"])

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 20)
        self.assertEqual(len(set(results)), 1)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
