"""Code shared by the tests (importable because tests/conftest.py puts tests/ on sys.path).

The tests run with ``--import-mode=importlib``, so test modules cannot import one another; what
several of them need, or what worker processes must be able to import, lives here.
"""
