"""`python -m insider`: the same as the `insider` console script."""

from insider.cli import main

main()
