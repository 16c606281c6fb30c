# trustwatch member accounts, for Terraform shops: deploys lib/deploy/member-account.yml as a
# service-managed StackSet to the organization (or the OUs you name) in every region you list,
# with the audit stack's outputs wired in. Step 3 of lib/deploy/DEPLOYMENT.md.
#
# Run it in the management account (call_as = "SELF"), or in a StackSets delegated
# administrator account (call_as = "DELEGATED_ADMIN"). The provider alias "audit" reads the
# audit stack (step 2) in the audit account: give it that account's profile.
#
#   terraform init
#   terraform apply -var 'organization_id=o-abc123def4' -var 'target_ou_ids=["r-abcd"]' \
#     -var 'regions=["us-east-1","eu-west-1"]' -var 'audit_profile=audit-admin'

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "organization_id" {
  description = "The AWS Organization id (aws organizations describe-organization --query Organization.Id)"
  type        = string
  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-abc123def4."
  }
}

variable "target_ou_ids" {
  description = "The organization root (r-...) or the OUs (ou-...) whose accounts get the forwarding rule"
  type        = list(string)
  validation {
    condition     = length(var.target_ou_ids) > 0 && alltrue([for id in var.target_ou_ids : can(regex("^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", id))])
    error_message = "target_ou_ids must list the root (r-...) or OU ids (ou-...)."
  }
}

variable "regions" {
  description = "Every enabled region of the organization: a region without the rule is a blind spot"
  type        = list(string)
  validation {
    condition     = length(var.regions) > 0 && alltrue([for r in var.regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "regions must list region names such as eu-west-1."
  }
}

variable "reader_region" {
  description = "The one region where the read-only trustwatch-reader role is created (IAM is global)"
  type        = string
  default     = "us-east-1"
}

variable "call_as" {
  description = "SELF in the management account, DELEGATED_ADMIN in a StackSets delegated administrator"
  type        = string
  default     = "SELF"
  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.call_as)
    error_message = "call_as must be SELF or DELEGATED_ADMIN."
  }
}

variable "audit_stack_name" {
  description = "The audit stack deployed with osls (trustwatch-<stage>)"
  type        = string
  default     = "trustwatch-prod"
}

variable "audit_region" {
  description = "The region of the audit stack"
  type        = string
  default     = "eu-west-1"
}

variable "audit_profile" {
  description = "AWS profile of the audit account (null: the same credentials as the default provider)"
  type        = string
  default     = null
}

provider "aws" {
  alias   = "audit"
  region  = var.audit_region
  profile = var.audit_profile
}

data "aws_cloudformation_stack" "audit" {
  provider = aws.audit
  name     = var.audit_stack_name
}

locals {
  central_event_bus_arn = data.aws_cloudformation_stack.audit.outputs["CentralEventBusArn"]
  # arn:aws:events:<region>:<audit account>:event-bus/<name>
  audit_account_id = split(":", local.central_event_bus_arn)[4]
}

resource "aws_cloudformation_stack_set" "trustwatch_member" {
  name             = "trustwatch-member"
  description      = "trustwatch: forwards denied sts:AssumeRole* calls to the central bus; read-only reader role"
  permission_model = "SERVICE_MANAGED"
  call_as          = var.call_as
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = file("${path.module}/../member-account.yml")

  parameters = {
    CentralEventBusArn = local.central_event_bus_arn
    AuditAccountId     = local.audit_account_id
    OrganizationId     = var.organization_id
    ReaderRegion       = var.reader_region
  }

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  lifecycle {
    # A service-managed stack set has no administration role; AWS reports one anyway.
    ignore_changes = [administration_role_arn]
  }
}

resource "aws_cloudformation_stack_instances" "trustwatch_member" {
  stack_set_name = aws_cloudformation_stack_set.trustwatch_member.name
  call_as        = var.call_as
  regions        = var.regions

  deployment_targets {
    organizational_unit_ids = var.target_ou_ids
  }

  operation_preferences {
    failure_tolerance_percentage = 10
    max_concurrent_percentage    = 25
    region_concurrency_type      = "PARALLEL"
  }
}
