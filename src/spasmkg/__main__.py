"""``python -m spasmkg`` runs the command line."""

from spasmkg.cli import main

main()
