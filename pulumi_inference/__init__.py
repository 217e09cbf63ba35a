"""Elasticsearch inference endpoints as typed Pulumi resources."""
