"""The reliability suite: the production process layout under load, faults, hostile input and
unauthenticated access, against gunicorn and PostgreSQL on 127.0.0.1.

    python -m tests.reliability            # full: load with 16 clients, 60 s, 100,000 purchases
    python -m tests.reliability --short    # the bounded form .ci/run uses
    python -m tests.reliability.smoke      # the production smoke test (make prod-smoke)

Each part prints its figures and exits non-zero on any failure. Nothing here is collected by
pytest: the parts start servers and take minutes.
"""
