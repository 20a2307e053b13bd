"""Thin CLI shells, one per `hjemmel` subcommand: parse arguments, call the library, print."""
