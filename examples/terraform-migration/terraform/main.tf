# Inference endpoints managed with Elastic's Terraform provider (elastic/elasticstack 0.16),
# as a team would have written them before moving to Pulumi. terraform.tfstate beside this
# file is the state `terraform apply` left (docs/migrating-from-terraform.md).

terraform {
  required_providers {
    elasticstack = {
      source  = "elastic/elasticstack"
      version = "~> 0.16"
    }
  }
}

provider "elasticstack" {
  elasticsearch {
    endpoints = [var.es_url]
    api_key   = var.es_api_key
  }
}

variable "es_url" {
  type    = string
  default = "http://127.0.0.1:9200"
}

variable "es_api_key" {
  type      = string
  sensitive = true
}

variable "openai_api_key" {
  type      = string
  sensitive = true
}

variable "cohere_api_key" {
  type      = string
  sensitive = true
}

variable "aws_access_key" {
  type      = string
  sensitive = true
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

variable "search_team_es_api_key" {
  description = "The search team's own key: its endpoints are made with it"
  type        = string
  sensitive   = true
}

variable "embedding_model" {
  type    = string
  default = "text-embedding-3-small"
}

variable "rerankers" {
  description = "One Cohere rerank endpoint per use, and its model"
  type        = map(string)
  default = {
    docs    = "rerank-v3.5"
    support = "rerank-english-v3.0"
  }
}

variable "elser_max_allocations" {
  type    = number
  default = 4
}

data "elasticstack_elasticsearch_info" "cluster" {}

resource "elasticstack_elasticsearch_inference_endpoint" "openai" {
  inference_id = "openai-embeddings"
  task_type    = "text_embedding"
  service      = "openai"
  service_settings = jsonencode({
    api_key  = var.openai_api_key
    model_id = var.embedding_model
  })
  task_settings = jsonencode({
    user = "search-team"
  })
}

resource "elasticstack_elasticsearch_inference_endpoint" "rerank" {
  for_each = var.rerankers

  inference_id = "cohere-rerank-${each.key}"
  task_type    = "rerank"
  service      = "cohere"
  service_settings = jsonencode({
    api_key  = var.cohere_api_key
    model_id = each.value
  })
  task_settings = jsonencode({
    top_n            = 5
    return_documents = true
  })
}

resource "elasticstack_elasticsearch_inference_endpoint" "bedrock" {
  inference_id = "bedrock-embeddings"
  task_type    = "text_embedding"
  service      = "amazonbedrock"
  service_settings = jsonencode({
    access_key = var.aws_access_key
    secret_key = var.aws_secret_key
    region     = "us-east-1"
    provider   = "amazontitan"
    model      = "amazon.titan-embed-text-v2:0"
  })

  # Made with the search team's key; the cluster is the provider's (ELASTICSEARCH_ENDPOINTS).
  elasticsearch_connection {
    api_key = var.search_team_es_api_key
  }
}

resource "elasticstack_elasticsearch_inference_endpoint" "elser" {
  inference_id = "elser-sparse"
  task_type    = "sparse_embedding"
  service      = "elasticsearch"
  service_settings = jsonencode({
    model_id    = ".elser_model_2"
    num_threads = 1
    adaptive_allocations = {
      enabled                   = true
      min_number_of_allocations = 1
      max_number_of_allocations = var.elser_max_allocations
    }
  })
}

resource "elasticstack_elasticsearch_index" "docs" {
  name = "docs"
  mappings = jsonencode({
    properties = {
      body = { type = "semantic_text", inference_id = "elser-sparse" }
    }
  })
}
