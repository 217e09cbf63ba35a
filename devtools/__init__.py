"""Development tools of the repository, never part of the shipped package: the code generators,
and what both the tests and benchmarks/ drive Pulumi with (``engine``, ``engine_programs``,
``provider_process``), so that benchmarks/ never imports tests/."""
