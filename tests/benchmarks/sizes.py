"""How many orders the benchmarks seed, read the same way by every one of them (no Django
import: the benchmarks' child processes read it too).

    BENCH_ORDERS=10000,100000,1000000   the sizes (the default): a benchmark measured per size
                                        runs at each, one measured at one size at the largest
    BENCH_ORDERS=20000                  the quick run: one size, and QUICK (below)

QUICK (the largest size at most 20,000): the benchmarks whose work is not a number of orders
(carts, invoices, the load, the tracking column), the export's peer and every-column sizes
and the list's runs take smaller defaults too, so that the quick run stays within five
minutes; each of their own variables still wins. Their goals are the same.
"""

import os

SIZES = sorted(
    {int(size) for size in os.environ.get("BENCH_ORDERS", "10000,100000,1000000").split(",")}
)
LARGEST = SIZES[-1]
QUICK = LARGEST <= 20_000


def quick_default(name: str, full: str, quick: str) -> str:
    """The variable `name`, else its default for this run: `quick` in the quick run."""
    return os.environ.get(name, quick if QUICK else full)
