package consent

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/carechain/carechain/x/consent/types"
)

// AutoCLIOptions describes the generated `carechaind tx consent` and
// `carechaind query consent` commands. Enum values are written in lower
// case without their prefix (read, write; treat, etreat, hpaymt, hoperat,
// hresch, pubhlth; permit, deny), as autocli renders them.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Consent",
					Use:            "consent <consent-id>",
					Short:          "Show one consent: grantee, decision, actions, purposes, categories, validity and status",
					Example:        "carechaind query consent consent 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "PatientConsents",
					Use:            "patient-consents <patient-address>",
					Short:          "List a patient's consents, optionally only those with --status (active, revoked, expired)",
					Example:        "carechaind query consent patient-consents care1... --status active",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
				},
				{
					RpcMethod:      "GranteeConsents",
					Use:            "grantee-consents <address-or-organization-id>",
					Short:          "List the consents naming an account or an organization",
					Example:        "carechaind query consent grantee-consents mercy-general",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "grantee"}},
				},
				{
					RpcMethod: "CheckAccess",
					Use:       "check-access <accessor-address> <patient-address> --action <read|write> --purpose <purpose>",
					Short:     "Ask the access decision: may the accessor read or write the patient's data for a purpose, now?",
					Long: "Returns the decision (DECISION_PERMIT or DECISION_DENY), the consent or break-glass grant that decided, " +
						"and a reason (patient, consent, break_glass, denied_by_consent, no_consent, consent_expired, " +
						"consent_not_yet_valid, consent_suspended). Pass --category (FHIR resource type or LOINC code) and " +
						"--record-id when the access is about one category or one record.",
					Example:        "carechaind query consent check-access care1accessor... care1patient... --action read --purpose treat --category Observation",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "accessor"}, {ProtoField: "patient"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"action":    {Usage: "read or write"},
						"purpose":   {Usage: "treat, etreat, hpaymt, hoperat, hresch or pubhlth"},
						"category":  {Usage: "FHIR resource type or LOINC code of the data (omit when not category-specific)"},
						"record_id": {Usage: "record id (omit when not about one record)"},
					},
				},
				{
					RpcMethod:      "Representatives",
					Use:            "representatives <patient-address>",
					Short:          "List the representatives a patient appointed, with their expiry",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
				},
				{
					RpcMethod:      "RepresentedPatients",
					Use:            "represented-patients <representative-address>",
					Short:          "List the patients an account represents, with each appointment's expiry",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "representative"}},
				},
				{
					RpcMethod:      "BreakGlass",
					Use:            "break-glass <break-glass-id>",
					Short:          "Show one break-glass access with its review",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "PatientBreakGlass",
					Use:            "patient-break-glass <patient-address>",
					Short:          "List the break-glass accesses opened for a patient (add --reverse for newest first)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
				},
				{
					RpcMethod:      "OrganizationBreakGlass",
					Use:            "org-break-glass <organization-id>",
					Short:          "List the break-glass accesses opened by an organization's members (add --reverse for newest first)",
					Example:        "carechaind query consent org-break-glass mercy-general",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "org_id"}},
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the consent parameters",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "GrantConsent",
					Use:       "grant <patient-address> <permit|deny> (--grantee <address> | --grantee-org <org-id>) --actions <action> --purposes <purpose> --expires-at <RFC3339>",
					Short:     "Grant (PERMIT) or refuse (DENY) a grantee access to a patient's data (the patient or an active representative signs)",
					Long: "Records one consent provision. Repeat --actions (read, write), --purposes (treat, etreat, hpaymt, hoperat, " +
						"hresch, pubhlth) and --categories for several values. No --categories means every category; --record-ids " +
						"narrows the consent to those records. A DENY overrides every PERMIT it overlaps. --expires-at is required " +
						"and at most max_consent_duration ahead.",
					Example: "carechaind tx consent grant care1alice... permit --grantee-org mercy-general --actions read --actions write " +
						"--purposes treat --expires-at 2026-02-04T09:00:00Z --from alice\n" +
						"carechaind tx consent grant care1alice... deny --grantee-org mercy-general --actions read --actions write " +
						"--purposes treat --categories mental-health --expires-at 2026-02-04T09:00:00Z --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}, {ProtoField: "decision"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"grantee":              {Usage: "account address the consent names (or use --grantee-org)"},
						"grantee_org":          {Usage: "organization id the consent names: every member while it is ACTIVE"},
						"actions":              {Usage: "read or write (repeat the flag for both)"},
						"purposes":             {Usage: "treat, etreat, hpaymt, hoperat, hresch or pubhlth (repeat for several)"},
						"categories":           {Usage: "FHIR resource types or LOINC codes (comma-separated); none means every category"},
						"record_ids":           {Usage: "record ids the consent is limited to (comma-separated)"},
						"expires_at":           {Usage: "when the consent ends, RFC 3339 (required)"},
						"valid_from":           {Usage: "when the consent starts, RFC 3339 (default: now)"},
						"source_document_hash": {Usage: "SHA-256 (64 lower-case hex) of a signed consent form kept off chain"},
					},
				},
				{
					RpcMethod:      "RevokeConsent",
					Use:            "revoke <patient-address> <consent-id>",
					Short:          "Revoke a consent at once (the patient or an active representative signs)",
					Example:        "carechaind tx consent revoke care1alice... 1 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}, {ProtoField: "consent_id"}},
				},
				{
					RpcMethod:      "AppointRepresentative",
					Use:            "appoint-representative <representative-address> <expires-at>",
					Short:          "Let an account grant and revoke consents on your behalf until expires-at (RFC 3339); again to change the expiry",
					Example:        "carechaind tx consent appoint-representative care1bob... 2026-12-31T00:00:00Z --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "representative"}, {ProtoField: "expires_at"}},
				},
				{
					RpcMethod:      "RemoveRepresentative",
					Use:            "remove-representative <representative-address>",
					Short:          "End a representative's appointment (the patient signs)",
					Example:        "carechaind tx consent remove-representative care1bob... --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "representative"}},
				},
				{
					RpcMethod:      "ResignRepresentative",
					Use:            "resign-representative <patient-address>",
					Short:          "End your own appointment as a patient's representative",
					Example:        "carechaind tx consent resign-representative care1alice... --from bob",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
				},
				{
					RpcMethod: "BreakGlass",
					Use:       "break-glass <patient-address> <reason> <justification-sha256>",
					Short:     "Open emergency (ETREAT) access to a patient's data for break_glass_duration (PROVIDER members only; logged and reviewed)",
					Long: "Reasons: patient-unresponsive, life-threatening, consent-unobtainable, other. The written justification " +
						"stays off chain; pass its SHA-256 (64 lower-case hex). Use --organization-id when you act for several " +
						"PROVIDER organizations.",
					Example:        "carechaind tx consent break-glass care1alice... patient-unresponsive 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}, {ProtoField: "reason"}, {ProtoField: "justification_hash"}},
				},
				{
					RpcMethod:      "ReviewBreakGlass",
					Use:            "review-break-glass <break-glass-id> <justified|unjustified>",
					Short:          "Review a break-glass access once (the patient, an active representative, or the organization's admin)",
					Long:           "An unjustified verdict on a grant that is still open ends it at once.",
					Example:        "carechaind tx consent review-break-glass 1 justified --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "break_glass_id"}, {ProtoField: "outcome"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"note_hash": {Usage: "SHA-256 (64 lower-case hex) of an off-chain review note"},
					},
				},
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal <params-json>",
					Short:          "Submit a governance proposal replacing the consent parameters",
					Example:        `carechaind tx consent update-params-proposal '{"max_consent_duration":"157680000s","break_glass_duration":"86400s","max_expirations_per_block":500,"max_active_consents_per_grantee":32}' --deposit 10000000ucare --title "..." --summary "..." --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
