"""Organization mode (DPP-PRT-4, DPP-LOG-1/5/6 at organization scale): delegated
administrators, organization-wide detection and the member baseline StackSet."""

from capabilities.organization.delegation import DelegatedAdministrators
from capabilities.organization.member_stackset import MemberBaselineStackSet
from capabilities.organization.security_admin import ConfigOrganization, GuardDutyOrganization, SecurityHubCentralConfiguration

__all__ = ["ConfigOrganization", "DelegatedAdministrators", "GuardDutyOrganization", "MemberBaselineStackSet", "SecurityHubCentralConfiguration"]
