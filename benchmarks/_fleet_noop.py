"""The no-op dynamic resource of the fleet benchmark: every call returns at once.

benchmarks/fleet.py copies it beside the program as ``fleet_noop.py``, an importable module,
so that its provider is pickled by reference like ``InferenceEndpoint``'s (a class of the
program's ``__main__`` is pickled by value, which grows each resource's state and, past about
300 resources, overflows the recursion of Pulumi's sorted pickling in this SDK).
"""

from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class Noop(ResourceProvider):
    def create(self, props):
        return CreateResult(props["inference_id"], props)

    def diff(self, _id, olds, news):
        return DiffResult(changes=olds.get("task_settings") != news.get("task_settings"))

    def update(self, _id, olds, news):
        return UpdateResult(news)


class NoopResource(Resource):
    def __init__(self, name, props):
        super().__init__(Noop(), name, props)
