package records

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/carechain/carechain/x/records/types"
)

// AutoCLIOptions describes the generated `carechaind tx records` and
// `carechaind query records` commands. Enum values are written in lower
// case without their prefix, as autocli renders them (current, superseded,
// entered-in-error; read, write; treat, etreat, hpaymt, hoperat, hresch,
// pubhlth).
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Record",
					Use:            "record <record-id>",
					Short:          "Show one record: patient, custodian, category, hashes, locator, version and status",
					Example:        "carechaind query records record 1",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "PatientRecords",
					Use:            "patient-records <patient-address>",
					Short:          "List a patient's records, optionally only --category and/or --status (current, superseded, entered-in-error)",
					Example:        "carechaind query records patient-records care1... --category Observation --status current",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"category": {Usage: "FHIR resource type, LOINC code or sensitivity label"},
						"status":   {Usage: "current, superseded or entered-in-error"},
					},
				},
				{
					RpcMethod:      "RecordHistory",
					Use:            "history <record-id>",
					Short:          "List every version of a record's document, oldest first",
					Example:        "carechaind query records history 2",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod:      "RecordByHash",
					Use:            "by-hash <ciphertext-sha256-hex>",
					Short:          "Find the record anchoring a blob: pass the SHA-256 of the file (sha256sum) in 64 lower-case hex",
					Example:        "carechaind query records by-hash $(sha256sum blob.bin | cut -d' ' -f1)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "ciphertext_hash"}},
				},
				{
					RpcMethod:      "KeyEnvelope",
					Use:            "envelope <record-id> <recipient-address>",
					Short:          "Show a record's data key wrapped to one recipient",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "record_id"}, {ProtoField: "recipient"}},
				},
				{
					RpcMethod:      "RecordEnvelopes",
					Use:            "envelopes <record-id>",
					Short:          "List a record's key envelopes",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "record_id"}},
				},
				{
					RpcMethod: "CheckRecordAccess",
					Use:       "check-access <accessor-address> <record-id> --action <read|write> --purpose <purpose>",
					Short:     "Ask x/consent whether an account may read or write a record for a purpose, now",
					Long: "Looks the record up and asks x/consent with its patient, category and id. Returns the decision, " +
						"the consent or break-glass grant that decided, and the reason.",
					Example:        "carechaind query records check-access care1... 1 --action read --purpose treat",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "accessor"}, {ProtoField: "record_id"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"action":  {Usage: "read or write"},
						"purpose": {Usage: "treat, etreat, hpaymt, hoperat, hresch or pubhlth"},
					},
				},
				{
					RpcMethod:      "AccessLog",
					Use:            "access-log <patient-address>",
					Short:          "List a patient's accounting of disclosures, optionally between --from and --to (RFC 3339 block times)",
					Example:        "carechaind query records access-log care1... --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "patient"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"from": {Usage: "earliest block time to include, RFC 3339"},
						"to":   {Usage: "block time to stop before, RFC 3339"},
					},
				},
				{
					RpcMethod:      "AccessEvent",
					Use:            "access-event <access-event-id>",
					Short:          "Show one logged access",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Params",
					Use:       "params",
					Short:     "Show the records parameters",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: types.Msg_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "CreateRecord",
					Use:       "create <patient-address> <category> <ciphertext-sha256> <content-commitment> <size-bytes> <locator>",
					Short:     "Anchor a record of an encrypted blob (the patient, or a PROVIDER member holding the patient's WRITE consent for TREAT)",
					Long: "ciphertext-sha256 is the SHA-256 of the stored blob; content-commitment is SHA-256(salt || plaintext) with the " +
						"32-byte salt inside the encrypted blob; both 64 lower-case hex. The locator is a vault:// or https:// URI. " +
						"--supersedes makes the record a new version of a CURRENT record (same patient and category). " +
						"--key-envelopes (JSON, repeatable) wraps the data key to the first readers.",
					Example: "carechaind tx records create care1alice... Observation " +
						"3a1f0c2e5b7d9e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f " +
						"8c2e4a6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c 2048 " +
						"vault://vault.mercy.example/v1/blobs/3a1f0c2e5b7d9e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "patient"}, {ProtoField: "category"}, {ProtoField: "ciphertext_hash"},
						{ProtoField: "content_commitment"}, {ProtoField: "size_bytes"}, {ProtoField: "locator"},
					},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"supersedes":    {Usage: "id of the CURRENT record this one replaces"},
						"key_envelopes": {Usage: `data key wrapped to a reader, JSON: {"recipient":"care1...","scheme":"carechain-hpke-x25519-v1","ephemeral_public_key":"<base64>","wrapped_key":"<base64>"}`},
					},
				},
				{
					RpcMethod:      "MarkEnteredInError",
					Use:            "mark-entered-in-error <record-id>",
					Short:          "Mark a record as a mistake, for good (the patient or a member of the custodian organization)",
					Example:        "carechaind tx records mark-entered-in-error 3 --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "record_id"}},
				},
				{
					RpcMethod: "AddKeyEnvelope",
					Use:       "add-key-envelope <record-id> <recipient-address> <scheme> <ephemeral-public-key-base64> <wrapped-key-base64>",
					Short:     "Wrap a record's data key to one more reader (signed by the patient, the author or a custodian member)",
					Long: "The recipient must be the patient, the author, or hold READ access to the record now for --purpose " +
						"(required for anyone else). The scheme is carechain-hpke-x25519-v1: a 32-byte ephemeral X25519 key and " +
						"a wrapped key of at most 128 bytes.",
					Example: "carechaind tx records add-key-envelope 1 care1bob... carechain-hpke-x25519-v1 <epk-base64> <wrapped-base64> --purpose treat --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "record_id"}, {ProtoField: "recipient"}, {ProtoField: "scheme"},
						{ProtoField: "ephemeral_public_key"}, {ProtoField: "wrapped_key"},
					},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"purpose": {Usage: "treat, etreat, hpaymt, hoperat, hresch or pubhlth: what the recipient reads for"},
					},
				},
				{
					RpcMethod:      "RecordAccess",
					Use:            "record-access <record-id> <purpose>",
					Short:          "Log your read of a record in the patient's accounting of disclosures (refused unless x/consent permits it)",
					Example:        "carechaind tx records record-access 1 treat --from mercy-admin",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "record_id"}, {ProtoField: "purpose"}},
				},
				{
					RpcMethod:      "UpdateParams",
					Use:            "update-params-proposal <params-json>",
					Short:          "Submit a governance proposal replacing the records parameters",
					Example:        `carechaind tx records update-params-proposal '{"max_size_bytes":"4294967296","max_initial_envelopes":16,"max_envelopes_per_record":64}' --deposit 10000000ucare --title "..." --summary "..." --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
