"""The benchmarks, run from the repository root as modules (`python -m benchmarks.site_build`)
so that they import each other and the tests' helpers (tests.support) as packages."""
