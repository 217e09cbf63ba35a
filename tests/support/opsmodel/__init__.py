"""Model-based tests of operational sequences (issue 30): what a team does to a stack over a
week, in random order, with the invariants a user relies on checked after each step.

- ``wire``: values as the engine sends them (secrets and unknowns marked);
- ``provider``: a provider process of either door for one engine command, over gRPC, and a
  stand-in for the engine's ``Log`` service that keeps what providers say;
- ``minengine``: the engine's steps (check, diff, create, update, delete, read) played over
  those processes, for the provider-level runs;
- ``automation``: the same commands through the real engine (Automation API);
- ``world``: the clusters (two emulators, and an HTTP server that is not Elasticsearch), the
  program being edited, and what the model knows;
- ``machine``: the rules and invariants, shared by both levels.
"""
