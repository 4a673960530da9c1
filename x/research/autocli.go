package research

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/carechain/carechain/x/research/types"
)

// AutoCLIOptions describes the generated `carechaind tx research` and
// `carechaind query research` commands. Enum values are written in lower
// case without their prefix (draft, approved, recruiting, closed,
// completed, terminated), as autocli renders them.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Study",
					Use:            "study <study-id>",
					Short:          "Show a study: sponsor, IRB, protocol versions, status, enrollment counts and escrow",
					Example:        "carechaind query research study 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Studies",
					Use:       "studies",
					Short:     "List studies, optionally only those with --status and/or of --sponsor",
					Example:   "carechaind query research studies --status recruiting --sponsor northwind-research",
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"status":  {Usage: "draft, approved, recruiting, closed, completed or terminated"},
						"sponsor": {Usage: "sponsor organization id (e.g. northwind-research)"},
					},
				},
				{
					RpcMethod: "Participation",
					Use:       "participation <study-id> <patient-address>",
					Short:     "Show one patient's participation in a study and its status (enrolled, reconsent-required, withdrawn, study-ended)",
					Long: "There is no command that lists a study's participants: enrolment in some studies is itself sensitive. " +
						"Studies show enrollment counts only.",
					Example:        "carechaind query research participation 1 care1alice...",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "patient"}},
				},
				{
					RpcMethod:      "StudyDatasets",
					Use:            "datasets <study-id>",
					Short:          "List the de-identified datasets anchored for a study (hash, record count)",
					Example:        "carechaind query research datasets 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}},
				},
				{
					RpcMethod:      "ProtocolVersions",
					Use:            "protocol-versions <study-id>",
					Short:          "List a study's protocol versions: hash, URI, who submitted and who approved each",
					Example:        "carechaind query research protocol-versions 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}},
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the research parameters",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterStudy",
					Use:       "register-study <title> <protocol-sha256> <irb-org> <target-enrollment> <incentive> <ends-at> --requested-categories <category>,...",
					Short:     "Register a study before it recruits and escrow target-enrollment × incentive from your account (a RESEARCH_SPONSOR member)",
					Long: "Fixes the protocol's SHA-256 on chain (version 1) and creates the study as DRAFT, awaiting approval by a member " +
						"of the named IRB organization. The title is public: no PHI (letters, digits, spaces and . , : ; ( ) / ' & + - only). " +
						"The incentive (e.g. 50000000uusd, may be 0uusd) is paid to each participant at enrollment; ends-at (RFC 3339) " +
						"is when research consents expire. --requested-categories names the data categories (FHIR resource types, " +
						"LOINC codes) the research consent covers.",
					Example: `carechaind tx research register-study "Hypertension outcomes registry" ` +
						`5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 citizens-irb 100 50000000uusd 2027-01-05T00:00:00Z ` +
						`--requested-categories Observation,Condition --protocol-uri https://northwind.example/protocols/nw-204-v1.pdf --from northwind-admin`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "title"}, {ProtoField: "protocol_hash"}, {ProtoField: "irb_org"},
						{ProtoField: "target_enrollment"}, {ProtoField: "incentive"}, {ProtoField: "ends_at"},
					},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"requested_categories": {Usage: "data categories the research consent covers (comma-separated, at least one)"},
						"protocol_uri":         {Usage: "where the protocol document is published"},
						"sponsor_org":          {Usage: "RESEARCH_SPONSOR organization (default: the first you act for)"},
					},
				},
				{
					RpcMethod: "ApproveStudy",
					Use:       "approve <study-id> <protocol-version> <protocol-sha256>",
					Short:     "Approve a study's current protocol version (a member of the study's IRB organization)",
					Long: "The version and hash must be the study's current ones, so an approval always names exactly what was " +
						"reviewed. A first approval moves a DRAFT study to APPROVED; after an amendment it lets enrollment resume " +
						"and participants re-consent.",
					Example:        "carechaind tx research approve 1 1 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 --from irb-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "protocol_version"}, {ProtoField: "protocol_hash"}},
				},
				{
					RpcMethod: "AmendProtocol",
					Use:       "amend-protocol <study-id> <new-protocol-sha256>",
					Short:     "Amend a study's protocol: a new version that needs IRB approval and every participant's re-consent (a sponsor member)",
					Long: "Until the IRB approves the new version and a participant re-consents, that participant's research access " +
						"is suspended and nobody can enroll. --protocol-uri, --requested-categories and --ends-at change those terms; " +
						"omitted, they stay.",
					Example:        "carechaind tx research amend-protocol 1 a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3 --from northwind-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "protocol_hash"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"protocol_uri":         {Usage: "where the amended protocol is published (default: unchanged)"},
						"requested_categories": {Usage: "data categories of the amended protocol (comma-separated; default: unchanged)"},
						"ends_at":              {Usage: "new end of the study, RFC 3339 (default: unchanged)"},
					},
				},
				{
					RpcMethod: "SetStudyStatus",
					Use:       "set-status <study-id> <recruiting|closed|completed|terminated>",
					Short:     "Open or close recruitment, or end a study (a sponsor member); completed and terminated return the unused escrow",
					Long: "approved → recruiting (the current version must be approved); recruiting ⇄ closed; recruiting or closed → " +
						"completed; any status but completed → terminated. On completed or terminated the unused escrow goes to the " +
						"sponsor organization's payout address and research access ends.",
					Example:        "carechaind tx research set-status 1 closed --from northwind-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "status"}},
				},
				{
					RpcMethod: "Enroll",
					Use:       "enroll <study-id>",
					Short:     "Enroll in a recruiting study (the patient signs): grants the sponsor research access and pays you the incentive",
					Long: "Creates a consent in x/consent: the sponsor organization may READ the study's requested categories of your " +
						"data for research (HRESCH) until the study ends. You can withdraw at any time.",
					Example:        "carechaind tx research enroll 1 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}},
				},
				{
					RpcMethod:      "Reconsent",
					Use:            "reconsent <study-id>",
					Short:          "Consent to a study's amended (and IRB-approved) protocol, which restores research access (the participant signs)",
					Long:           "Replaces your research consent with one on the current terms. Also renews a consent that expires before the study ends.",
					Example:        "carechaind tx research reconsent 1 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}},
				},
				{
					RpcMethod:      "Withdraw",
					Use:            "withdraw <study-id>",
					Short:          "Withdraw from a study (the participant signs): your research consent is revoked at once",
					Example:        "carechaind tx research withdraw 1 --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}},
				},
				{
					RpcMethod:      "AnchorDataset",
					Use:            "anchor-dataset <study-id> <dataset-sha256> <record-count>",
					Short:          "Anchor a de-identified dataset derived from the study: its SHA-256 and record count (a sponsor member)",
					Example:        "carechaind tx research anchor-dataset 1 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae 1250 --from northwind-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "dataset_hash"}, {ProtoField: "record_count"}},
				},
				{
					RpcMethod:      "PublishResults",
					Use:            "publish-results <study-id> <results-sha256> <results-uri>",
					Short:          "Publish a study's results, once, after recruitment ended (a sponsor member)",
					Example:        "carechaind tx research publish-results 1 fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9 https://northwind.example/results/nw-204 --from northwind-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "study_id"}, {ProtoField: "results_hash"}, {ProtoField: "results_uri"}},
				},
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal <params-json>",
					Short:          "Submit a governance proposal replacing the research parameters",
					Example:        `carechaind tx research update-params-proposal '{"max_study_duration":"157680000s","max_target_enrollment":100000}' --deposit 10000000ucare --title "..." --summary "..." --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
