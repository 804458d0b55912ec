"""Parallel builds: articles read and pages rendered by BUILD_WORKERS forked processes, with the
same output as a sequential build. The machinery, and what it asks of other plugins, is in
`site_core.build`; its `build()` adds the incremental rebuild used by the live preview."""

from site_core.build import register  # noqa: F401  (Pelican calls plugins' register())
