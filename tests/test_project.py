"""Project files agree with each other."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_mirrors_pip_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert sorted(pip, key=_name) == sorted(wanted, key=_name)
    assert any(str(d).startswith("python=") for d in env["dependencies"] if isinstance(d, str))
    assert "conda-forge" in env["channels"]


def test_torch_is_pinned_to_the_cpu_wheel():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "torch==2.13.0" in project["dependencies"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "make test" in readme and "make example" in readme


def test_package_names_resolve_and_stay_functions_after_every_submodule_loads():
    import importlib
    import pkgutil
    import subprocess
    import sys

    code = "import sys, narrative; print(sorted(m for m in ('sklearn', 'torch', 'matplotlib') if m in sys.modules))"
    bare = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert bare.stdout.strip() == "[]"  # importing the package is light
    import narrative

    for info in pkgutil.iter_modules(narrative.__path__):
        if info.name != "__main__":  # that one runs the command line
            importlib.import_module(f"narrative.{info.name}")
    for name in narrative.__all__:
        assert getattr(narrative, name) is not None
    for name in ("compare", "embed", "segment"):  # also the names of submodules
        assert callable(getattr(narrative, name)), name
    with pytest.raises(AttributeError):
        narrative.no_such_name  # noqa: B018
