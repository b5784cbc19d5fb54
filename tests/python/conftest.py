"""Shared fixtures of the Python binding tests.

Run by meson (`meson test --suite python`) with PYTHONPATH at the build tree's
bindings/python and MIGPLAN_FIXTURES at the shared Moose fixtures.
"""
import os
import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = pathlib.Path(os.environ.get("MIGPLAN_FIXTURES", HERE / "../../../shared/moose/fixtures")).resolve()
SCHEMA = FIXTURES.parent / "migration_plan_schema.json"
FIXTURE_DIRS = sorted(p.name for p in FIXTURES.iterdir() if (p / "plan.yaml").is_file())


def fixture(name):
    return FIXTURES / name


@pytest.fixture(params=FIXTURE_DIRS)
def fixture_dir(request):
    """Every fixture folder (01_additive ... 10_schema_gaps)."""
    return fixture(request.param)


@pytest.fixture
def project(tmp_path):
    """A copy of a fixture in a temporary project, where a .migplan.yaml can be written."""
    def make(name, config=None):
        dest = tmp_path / "migrations"
        dest.mkdir()
        for f in ("plan.yaml", "remote_state.json", "local_infra_map.json"):
            if (fixture(name) / f).exists():
                (dest / f).write_bytes((fixture(name) / f).read_bytes())
        if config is not None:
            (tmp_path / ".migplan.yaml").write_text(config)
        return dest
    return make
