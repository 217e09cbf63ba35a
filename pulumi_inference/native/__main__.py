"""``python -m pulumi_inference.native``: the plugin, as the engine starts it."""

from ._server import main

if __name__ == "__main__":
    main()
