"""Production settings plus one trivial view, for the load test (bench/page_load.py).

Everything comes from the environment exactly as in a deployment; only the URLconf adds
`/bench/trivial/`, the baseline every page's throughput is divided by.
"""

from alliance.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
