"""The subcommands of `kaibo` other than `lab`, one module each (see kaibo/cli.py)."""
