"""The container image and the compose stack, checked by parsing them (Docker is not needed)."""

import gc
import re
import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["prepare", "migrate", "web", "worker", "scheduler"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def stages():
    """Return the Dockerfile's stages: name -> list of (instruction, arguments)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", arguments.strip(), re.IGNORECASE)
            assert match, f"every stage is named: {line}"
            current = match[2]
            stages[current] = [("FROM", match[1])]
        else:
            assert current, f"instruction before FROM: {line}"
            stages[current].append((instruction, " ".join(arguments.split())))
    return stages


def _instructions(stage, name):
    return [arguments for instruction, arguments in stage if instruction == name]


def test_the_image_builds_assets_in_node_and_dependencies_in_their_own_stage(stages):
    assert list(stages)[-1] == "runtime"
    assert _instructions(stages["assets"], "FROM")[0].startswith("node:")
    # Only what the pages load: the test tools of devDependencies (axe-core) stay out.
    assert "npm ci --omit=dev && npm run build" in _instructions(stages["assets"], "RUN")
    assert any("pip install" in run for run in _instructions(stages["build"], "RUN"))
    assert "slim" in _instructions(stages["runtime"], "FROM")[0]
    for copy in _instructions(stages["runtime"], "COPY"):
        source = re.match(r"--from=(\S+)", copy)
        assert source is None or source[1] in stages, copy


def test_the_image_runs_gunicorn_as_an_unprivileged_user_with_a_database_health_check(stages):
    runtime = stages["runtime"]
    assert _instructions(runtime, "USER") == ["spends"]
    (collect,) = [run for run in _instructions(runtime, "RUN") if "collectstatic" in run]
    assert "collectstatic --no-input" in collect
    # Settings make the uploads' scratch folder while collectstatic runs (as root): it must
    # belong to the app's user in the volume the image seeds.
    assert collect.endswith("chown -R spends:spends /data")
    assert _instructions(runtime, "CMD") == [
        '["gunicorn", "--config", "gunicorn.conf.py", "spends_tracker.wsgi"]'
    ]
    assert _instructions(runtime, "VOLUME") == ['["/data"]']
    (healthcheck,) = _instructions(runtime, "HEALTHCHECK")
    assert healthcheck.endswith('CMD ["python", "docker/healthcheck.py"]')
    assert "/api/health" in (ROOT / "docker" / "healthcheck.py").read_text()


def test_the_image_installs_only_locked_hashed_python_dependencies(stages):
    (install,) = [run for run in _instructions(stages["build"], "RUN") if "pip install" in run]
    assert "--require-hashes --requirement /tmp/requirements.txt" in install
    assert "COPY requirements/runtime.txt /tmp/requirements.txt" in [
        f"COPY {copy}" for copy in _instructions(stages["build"], "COPY")
    ]
    lines = (ROOT / "requirements" / "runtime.txt").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith((" ", "#"))]
    assert pins and all("==" in pin for pin in pins), "every requirement pinned"
    assert not any(re.search(r"pytest|ruff|schemathesis|playwright|moto", pin) for pin in pins)


def test_the_build_downloads_nothing_outside_the_package_registries():
    text = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"\b(curl|wget)\b|https?://|^ADD ", text, re.MULTILINE)
    # A `# syntax=` line would make BuildKit fetch its front end from an image registry.
    assert not text.startswith("# syntax")


def test_the_build_context_leaves_out_secrets_and_local_state():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert {".env", ".git", ".venv", "data", "node_modules", "static/vendor"} <= set(ignored)
    # Every app of the project is in the image: no ignore line names one.
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps and not apps & {line.strip("/") for line in ignored}


def test_compose_runs_the_database_migrations_web_worker_and_scheduler(compose):
    services = compose["services"]
    assert set(services) == {"db", *APP_SERVICES}
    migrate = " ".join(services["migrate"]["command"])
    assert "manage.py migrate --no-input && " in migrate
    # The exchange rates shipped with the app on the first run only, then the purchases that have
    # no conversion yet (docs/currencies.md).
    assert "&& python manage.py currencies_refresh --bundled --if-empty && " in migrate
    assert migrate.endswith("manage.py purchases_reconvert --only-missing")
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:3] == ["python", "manage.py", "spends_worker"]
    assert services["scheduler"]["command"][:3] == ["python", "manage.py", "spends_scheduler"]


def test_only_the_web_service_uses_the_web_health_check(compose):
    services = compose["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    for name in ["scheduler", "worker"]:
        (file,) = [arg for arg in services[name]["command"] if arg.startswith("--heartbeat-file=")]
        heartbeat = file.removeprefix("--heartbeat-file=")
        assert f"--heartbeat={heartbeat}" in services[name]["healthcheck"]["test"], name
    for name in ["prepare", "migrate"]:
        assert services[name]["healthcheck"] == {"disable": True}, name


def test_the_prepare_service_may_only_change_owners_of_the_data_folders(compose):
    prepare = compose["services"]["prepare"]
    assert prepare["user"] == "0:0"
    assert prepare["cap_drop"] == ["ALL"] and prepare["cap_add"] == ["CHOWN"]
    assert prepare["network_mode"] == "none" and prepare["restart"] == "no"
    assert prepare["command"] == ["chown", "10001:10001", "/data", "/data/backups"]
    assert compose["services"]["migrate"]["depends_on"]["prepare"] == {
        "condition": "service_completed_successfully"
    }


def test_every_service_waits_for_a_healthy_database_and_the_migrations(compose):
    services = compose["services"]
    assert services["db"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ["web", "worker", "scheduler"]:
        depends = services[name]["depends_on"]
        assert depends["db"] == {"condition": "service_healthy"}, name
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
    for name in ["worker", "scheduler"]:
        assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_data_lives_on_volumes_and_configuration_comes_from_the_env_file(compose):
    assert set(compose["volumes"]) == {"postgres", "data"}
    assert "postgres:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        # The whole data folder is writable under a read-only root (settings check it).
        assert "data:/data" in service["volumes"]
        (backups,) = [volume for volume in service["volumes"] if volume.endswith(":/data/backups")]
        # The host folder defaults to one under data/, never the source tree (backups/ is an app).
        assert backups.startswith("${SPENDS_BACKUPS_HOST_DIR:-./data/"), backups
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert "${POSTGRES_PASSWORD:?" in service["environment"]["DATABASE_URL"]
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]


def test_the_web_port_is_published_on_loopback_unless_configured(compose):
    (port,) = compose["services"]["web"]["ports"]
    assert port.startswith("${SPENDS_BIND_ADDRESS:-127.0.0.1}:")


def test_gunicorn_takes_workers_and_timeouts_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("PORT", "9123")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["timeout"], config["bind"]) == (5, 45, "0.0.0.0:9123")
    assert config["accesslog"] is None and config["errorlog"] == "-"
    assert config["control_socket_disable"] is True


def test_a_gunicorn_worker_sets_the_heap_it_loaded_aside_from_the_garbage_collector(monkeypatch):
    monkeypatch.setenv("GUNICORN_GC_THRESHOLD", "12345")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    threshold = gc.get_threshold()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_threshold() == (12345, *threshold[1:])
        assert gc.get_freeze_count() > 10_000, "the loaded modules' objects are frozen"
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
