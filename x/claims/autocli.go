package claims

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/carechain/carechain/x/claims/types"
)

// AutoCLIOptions describes the generated `carechaind tx claims` and
// `carechaind query claims` commands.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Plan",
					Use:            "plan <id>",
					Short:          "Show a plan: rules, annual limit, status, escrow, reserved and available amounts",
					Example:        "carechaind query claims plan 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "PayerPlans",
					Use:            "payer-plans <payer-org-id>",
					Short:          "List the plans of a payer organization",
					Example:        "carechaind query claims payer-plans acme-health",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "org_id"}},
				},
				{
					RpcMethod:      "Enrollment",
					Use:            "enrollment <plan-id> <patient-address>",
					Short:          "Show a patient's coverage period in a plan and the benefits used this year",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "plan_id"}, {ProtoField: "patient"}},
				},
				{
					RpcMethod:      "Claim",
					Use:            "claim <id>",
					Short:          "Show a claim: lines, status and the decision on each line",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Claims",
					Use:       "claims",
					Short:     "List claims, filtered by --provider, --patient, --plan-id and --status",
					Example:   "carechaind query claims claims --provider mercy-general --status pending-review",
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"provider": {Usage: "provider organization id (e.g. mercy-general)"},
						"patient":  {Usage: "patient address"},
						"plan_id":  {Usage: "plan id"},
						"status":   {Usage: "keep only claims in this status"},
					},
				},
				{
					RpcMethod:      "ExplanationOfBenefits",
					Use:            "eob <claim-id>",
					Short:          "Show a claim's explanation of benefits: per line charge, allowed, payer paid, patient responsibility and reason",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the claims parameters",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "CreatePlan",
					Use:       "create-plan <name> <denom> <annual-limit-per-member> <rule-json>...",
					Short:     "Create a coverage plan for your PAYER organization (a payer member)",
					Long: "Creates an ACTIVE plan with an empty escrow. Each rule is a JSON object: procedure_code (CPT/HCPCS), " +
						"max_allowed_per_unit (integer, plan denom), coinsurance_bps (patient share, 0-10000) and requires_review. " +
						"An annual limit of 0 means no limit. --payer-org picks the organization if you act for several.",
					Example: `carechaind tx claims create-plan "Acme Silver" uusd 2000000000 ` +
						`'{"procedure_code":"99213","max_allowed_per_unit":"110000000","coinsurance_bps":3000}' ` +
						`'{"procedure_code":"80053","max_allowed_per_unit":"35000000","coinsurance_bps":3000,"requires_review":true}' --from acme-admin`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "name"}, {ProtoField: "denom"}, {ProtoField: "annual_limit_per_member"}, {ProtoField: "rules", Varargs: true},
					},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"payer_org": {Usage: "PAYER organization the plan belongs to (default: the first you act for)"},
					},
				},
				{
					RpcMethod:      "ClosePlan",
					Use:            "close-plan <plan-id>",
					Short:          "Stop a plan taking new enrollments and claims (a payer member)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "plan_id"}},
				},
				{
					RpcMethod:      "FundPlan",
					Use:            "fund-plan <plan-id> <amount>",
					Short:          "Move coins of the plan's denom from your account into the plan's escrow (a payer member)",
					Long:           "Funds the escrow, then pays (or reserves for review) claims waiting for funds, oldest first.",
					Example:        "carechaind tx claims fund-plan 1 50000000000 --from acme-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "plan_id"}, {ProtoField: "amount"}},
				},
				{
					RpcMethod:      "WithdrawPlanFunds",
					Use:            "withdraw-plan-funds <plan-id> <amount>",
					Short:          "Send unreserved escrow to the payer organization's payout address (a payer member)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "plan_id"}, {ProtoField: "amount"}},
				},
				{
					RpcMethod: "EnrollMember",
					Use:       "enroll-member <plan-id> <patient-address> <coverage-start> <coverage-end>",
					Short:     "Cover a patient by a plan from coverage-start (inclusive) to coverage-end (exclusive), RFC 3339 (a payer member)",
					Long:      "Enrolling an enrolled patient again replaces the coverage period.",
					Example:   "carechaind tx claims enroll-member 1 care1... 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z --from acme-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "plan_id"}, {ProtoField: "patient"}, {ProtoField: "coverage_start"}, {ProtoField: "coverage_end"},
					},
				},
				{
					RpcMethod: "SubmitClaim",
					Use:       "submit-claim <plan-id> <patient-address> <line-json>...",
					Short:     "Bill a plan for services to an enrolled patient (a member of an ACTIVE PROVIDER organization)",
					Long: "Each line is a JSON object: procedure_code (CPT/HCPCS), diagnosis_codes (ICD-10), units, charge (integer, " +
						"plan denom) and service_date (a date at 00:00:00Z). The claim is adjudicated in the same transaction: " +
						"paid when no line needs review and the escrow covers it. --evidence-record-ids lists records of the " +
						"patient that support the claim; --provider-org picks the organization if you act for several.",
					Example: `carechaind tx claims submit-claim 1 care1... ` +
						`'{"procedure_code":"99213","diagnosis_codes":["J06.9"],"units":1,"charge":"180000000","service_date":"2026-03-02T00:00:00Z"}' --from mercy-admin`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "plan_id"}, {ProtoField: "patient"}, {ProtoField: "lines", Varargs: true},
					},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"provider_org":        {Usage: "PROVIDER organization that bills and is paid (default: the first you act for)"},
						"evidence_record_ids": {Usage: "x/records ids of the patient's records that support the claim (comma-separated)"},
					},
				},
				{
					RpcMethod: "AdjudicateClaim",
					Use:       "adjudicate-claim <claim-id> <decision-json>...",
					Short:     "Decide every line of a claim awaiting review (a member of the plan's payer)",
					Long: "Each decision is a JSON object: line_index (from 0) and approve (true), or a denial with reason_code " +
						"ADJUDICATION_REASON_NOT_MEDICALLY_NECESSARY, _INSUFFICIENT_DOCUMENTATION, _DUPLICATE_SERVICE or " +
						"_DIAGNOSIS_MISMATCH. Approved lines are paid at once.",
					Example:        `carechaind tx claims adjudicate-claim 2 '{"line_index":0,"approve":true}' --from acme-admin`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "claim_id"}, {ProtoField: "decisions", Varargs: true}},
				},
				{
					RpcMethod:      "WithdrawClaim",
					Use:            "withdraw-claim <claim-id>",
					Short:          "Withdraw a claim awaiting review or funds (a member of the claim's provider organization)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "claim_id"}},
				},
				{
					RpcMethod:      "AppealClaim",
					Use:            "appeal-claim <claim-id>",
					Short:          "Appeal a denied claim, once (a member of the claim's provider organization)",
					Long:           "Reopens the claim's covered lines for the payer's review. --evidence-record-ids adds supporting records.",
					Example:        "carechaind tx claims appeal-claim 3 --evidence-record-ids 12,13 --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "claim_id"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"evidence_record_ids": {Usage: "x/records ids of further records of the patient (comma-separated)"},
					},
				},
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal <params-json>",
					Short:          "Submit a governance proposal replacing the claims parameters",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
