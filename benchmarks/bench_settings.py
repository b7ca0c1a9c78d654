"""Settings of the HTTP benchmark (bench_http.py): the project's settings, unchanged, plus the
statement-counting middleware of sql_count.py, outermost so that it sees every middleware's queries.

Everything else, the database connections included, comes from the environment exactly as in
production, so that the benchmark measures the production configuration.
"""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

MIDDLEWARE = ["benchmarks.sql_count.SQLCountMiddleware", *MIDDLEWARE]
