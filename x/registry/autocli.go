package registry

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/carechain/carechain/x/registry/types"
)

// AutoCLIOptions describes the generated `carechaind tx registry` and
// `carechaind query registry` commands.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Organization",
					Use:            "organization <id>",
					Short:          "Show an organization: roles, admin, status, payout address and member count",
					Example:        "carechaind query registry organization mercy-general",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Organizations",
					Use:       "organizations",
					Short:     "List organizations, optionally only those holding --role (provider, payer, research-sponsor, irb, validator)",
					Example:   "carechaind query registry organizations --role provider",
				},
				{
					RpcMethod:      "OrganizationMembers",
					Use:            "members <organization-id>",
					Short:          "List the accounts that act for an organization",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "MemberOrganizations",
					Use:            "member-of <address>",
					Short:          "Show the organizations an address acts for, with their roles",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}},
				},
				{
					RpcMethod:      "EncryptionKey",
					Use:            "encryption-key <address>",
					Short:          "Show the X25519 public key an address published",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}},
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the registry parameters",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterOrganization",
					Use:       "register-organization-proposal <organization-json>",
					Short:     "Submit a governance proposal admitting an organization",
					Long: "Submits a governance proposal carrying MsgRegisterOrganization; the organization is admitted " +
						"when the proposal passes. Roles use their wire names (ROLE_PROVIDER, ROLE_PAYER, " +
						"ROLE_RESEARCH_SPONSOR, ROLE_IRB, ROLE_VALIDATOR).",
					Example:        `carechaind tx registry register-organization-proposal '{"id":"lakeside-clinic","name":"Lakeside Clinic","roles":["ROLE_PROVIDER"],"admin":"care1..."}' --deposit 10000000ucare --title "Admit Lakeside Clinic" --summary "..." --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "organization"}},
					GovProposal:    true,
				},
				{
					RpcMethod:      "UpdateOrganization",
					Use:            "update-organization-proposal <organization-json>",
					Short:          "Submit a governance proposal replacing an organization's name, roles, admin, metadata and payout address",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "organization"}},
					GovProposal:    true,
				},
				{
					RpcMethod:      "SetOrganizationStatus",
					Use:            "set-organization-status-proposal <organization-id> <active|suspended>",
					Short:          "Submit a governance proposal suspending or reactivating an organization",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "organization_id"}, {ProtoField: "status"}},
					GovProposal:    true,
				},
				{
					RpcMethod:      "AddMember",
					Use:            "add-member <organization-id> <member-address>",
					Short:          "Let an account act for your organization (organization admin only)",
					Example:        "carechaind tx registry add-member mercy-general care1... --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "organization_id"}, {ProtoField: "member"}},
				},
				{
					RpcMethod:      "RemoveMember",
					Use:            "remove-member <organization-id> <member-address>",
					Short:          "Stop an account acting for your organization (organization admin only)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "organization_id"}, {ProtoField: "member"}},
				},
				{
					RpcMethod:      "SetEncryptionKey",
					Use:            "set-encryption-key <x25519-public-key-base64>",
					Short:          "Publish your X25519 public key (32 bytes, base64) so data keys can be wrapped to you",
					Example:        "carechaind tx registry set-encryption-key 3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08= --from carol --fee-granter care1...",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "x25519_public_key"}},
				},
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal <params-json>",
					Short:          "Submit a governance proposal replacing the registry parameters",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
