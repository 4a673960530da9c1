package app_test

// Decoding fuzz targets: whatever bytes arrive from the network, the
// transaction decoder and the codec of every Carechain message must not
// panic, and what they accept must re-encode stably (a decoded message
// encodes to bytes that decode to the same encoding again). Run with
// `make test-fuzz`; plain `go test` replays the seeds and
// testdata/fuzz/<FuzzName>/.

import (
	"bytes"
	"sort"
	"strings"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/log"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/carechain/carechain/app"
	claimstypes "github.com/carechain/carechain/x/claims/types"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

const (
	fuzzAddr  = "care1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5zh6dm9"
	fuzzAddr2 = "care1ujfjsjkvvd4vptwznelfllu0z44vt6zrty8hxu"
	fuzzHash  = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

var fuzzApp = app.NewCarechainApp(log.NewNopLogger(), dbm.NewMemDB(), nil, false, app.EmptyAppOptions{})

// carechainMsgTypes lists the type URL of every Msg Carechain's modules
// register, sorted: a module added to the app is fuzzed without changes
// here.
func carechainMsgTypes() []string {
	var out []string
	for _, url := range fuzzApp.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(url, "/carechain.") {
			out = append(out, url)
		}
	}
	sort.Strings(out)
	return out
}

// sampleMsgs are well-formed examples of Carechain messages, the seeds the
// fuzzer mutates.
func sampleMsgs() []sdk.Msg {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	t1 := t0.AddDate(1, 0, 0)
	org := registrytypes.Organization{Id: "mercy-general", Name: "Mercy General", Roles: []registrytypes.Role{registrytypes.RoleProvider, registrytypes.RoleValidator},
		Admin: fuzzAddr, PayoutAddress: fuzzAddr2, MetadataUri: "https://example.org/m.json", MetadataHash: fuzzHash}
	usd := math.NewInt(100_000_000)
	return []sdk.Msg{
		&registrytypes.MsgRegisterOrganization{Authority: fuzzAddr, Organization: org},
		&registrytypes.MsgUpdateOrganization{Authority: fuzzAddr, Organization: org},
		&registrytypes.MsgSetOrganizationStatus{Authority: fuzzAddr, OrganizationId: org.Id, Status: registrytypes.OrgStatusSuspended},
		&registrytypes.MsgAddMember{Admin: fuzzAddr, OrganizationId: org.Id, Member: fuzzAddr2},
		&registrytypes.MsgRemoveMember{Admin: fuzzAddr, OrganizationId: org.Id, Member: fuzzAddr2},
		&registrytypes.MsgSetEncryptionKey{Owner: fuzzAddr, X25519PublicKey: bytes.Repeat([]byte{7}, 32)},
		&registrytypes.MsgUpdateParams{Authority: fuzzAddr, Params: registrytypes.DefaultParams()},
		&consenttypes.MsgGrantConsent{Signer: fuzzAddr, Patient: fuzzAddr, Decision: consenttypes.DecisionPermit, GranteeOrg: org.Id,
			Actions: []consenttypes.Action{consenttypes.ActionRead}, Purposes: []consenttypes.Purpose{consenttypes.PurposeTreat, consenttypes.PurposeEtreat},
			Categories: []string{"Observation", "mental-health"}, RecordIds: []uint64{3, 9}, ValidFrom: &t0, ExpiresAt: t1, SourceDocumentHash: fuzzHash},
		&consenttypes.MsgRevokeConsent{Signer: fuzzAddr, Patient: fuzzAddr, ConsentId: 42},
		&consenttypes.MsgAppointRepresentative{Patient: fuzzAddr, Representative: fuzzAddr2, ExpiresAt: t1},
		&consenttypes.MsgRemoveRepresentative{Patient: fuzzAddr, Representative: fuzzAddr2},
		&consenttypes.MsgResignRepresentative{Representative: fuzzAddr2, Patient: fuzzAddr},
		&consenttypes.MsgBreakGlass{Accessor: fuzzAddr2, Patient: fuzzAddr, OrganizationId: org.Id, Reason: consenttypes.BreakGlassReasonLifeThreatening, JustificationHash: fuzzHash},
		&consenttypes.MsgReviewBreakGlass{Reviewer: fuzzAddr, BreakGlassId: 7, Outcome: consenttypes.ReviewOutcomeJustified, NoteHash: fuzzHash},
		&consenttypes.MsgUpdateParams{Authority: fuzzAddr, Params: consenttypes.DefaultParams()},
		&claimstypes.MsgCreatePlan{Payer: fuzzAddr, PayerOrg: "acme-health", Name: "Acme Gold", Denom: "uusd",
			Rules:                []claimstypes.CoverageRule{{ProcedureCode: "99213", MaxAllowedPerUnit: usd, CoinsuranceBps: 2000, RequiresReview: true}},
			AnnualLimitPerMember: usd.MulRaw(100)},
		&claimstypes.MsgClosePlan{Payer: fuzzAddr, PlanId: 1},
		&claimstypes.MsgFundPlan{Payer: fuzzAddr, PlanId: 1, Amount: usd},
		&claimstypes.MsgWithdrawPlanFunds{Payer: fuzzAddr, PlanId: 1, Amount: usd},
		&claimstypes.MsgEnrollMember{Payer: fuzzAddr, PlanId: 1, Patient: fuzzAddr2, CoverageStart: t0, CoverageEnd: t1},
		&claimstypes.MsgSubmitClaim{Submitter: fuzzAddr, ProviderOrg: org.Id, PlanId: 1, Patient: fuzzAddr2, EvidenceRecordIds: []uint64{5},
			Lines: []claimstypes.ClaimLine{{ProcedureCode: "99213", DiagnosisCodes: []string{"J06.9", "I10"}, Units: 2, Charge: usd, ServiceDate: t0}}},
		&claimstypes.MsgAdjudicateClaim{Payer: fuzzAddr, ClaimId: 3, Decisions: []claimstypes.LineDecision{{LineIndex: 0, Approve: false, ReasonCode: claimstypes.ReasonNotMedicallyNecessary}}},
		&claimstypes.MsgWithdrawClaim{Submitter: fuzzAddr, ClaimId: 3},
		&claimstypes.MsgAppealClaim{Submitter: fuzzAddr, ClaimId: 3, EvidenceRecordIds: []uint64{8}},
		&claimstypes.MsgUpdateParams{Authority: fuzzAddr, Params: claimstypes.DefaultParams()},
	}
}

func TestSampleMsgsCoverEveryCarechainMsg(t *testing.T) {
	have := map[string]bool{}
	for _, m := range sampleMsgs() {
		have[sdk.MsgTypeURL(m)] = true
	}
	for _, url := range carechainMsgTypes() {
		if !have[url] {
			t.Errorf("no fuzz seed for %s: add one to sampleMsgs", url)
		}
	}
}

// FuzzMsgDecode: the first byte picks a Carechain message type, the rest
// is decoded as that message.
func FuzzMsgDecode(f *testing.F) {
	types := carechainMsgTypes()
	index := map[string]byte{}
	for i, url := range types {
		index[url] = byte(i)
	}
	for _, m := range sampleMsgs() {
		bz, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{index[sdk.MsgTypeURL(m)]}, bz...))
	}
	cdc := fuzzApp.AppCodec()
	reg := fuzzApp.InterfaceRegistry()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		url := types[int(data[0])%len(types)]
		decode := func(bz []byte) (sdk.Msg, error) {
			msg, err := reg.Resolve(url)
			if err != nil {
				t.Fatal(err)
			}
			return msg, cdc.Unmarshal(bz, msg)
		}
		msg, err := decode(data[1:])
		if err != nil {
			return
		}
		requireStable(t, cdc, msg, decode)
	})
}

// requireStable re-encodes a decoded message and requires the encoding to
// decode and to encode again to the same bytes; signer extraction and JSON
// encoding must not panic.
func requireStable(t *testing.T, cdc codec.Codec, msg sdk.Msg, decode func([]byte) (sdk.Msg, error)) {
	t.Helper()
	bz1, err := cdc.Marshal(msg)
	if err != nil {
		t.Fatalf("decoded %T does not encode: %v", msg, err)
	}
	msg2, err := decode(bz1)
	if err != nil {
		t.Fatalf("re-encoded %T does not decode: %v", msg, err)
	}
	bz2, err := cdc.Marshal(msg2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bz1, bz2) {
		t.Fatalf("%T re-encodes unstably:\n%x\n%x", msg, bz1, bz2)
	}
	_, _, _ = cdc.GetMsgV1Signers(msg)
	_, _ = cdc.MarshalJSON(msg)
}

// FuzzTxDecode feeds raw bytes to the app's transaction decoder, the first
// thing a node does with a transaction from the network.
func FuzzTxDecode(f *testing.F) {
	txConfig := fuzzApp.TxConfig()
	for _, m := range sampleMsgs() {
		b := txConfig.NewTxBuilder()
		if err := b.SetMsgs(m); err != nil {
			f.Fatal(err)
		}
		b.SetGasLimit(200_000)
		b.SetFeeAmount(sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 5000)))
		b.SetMemo("fuzz")
		if err := b.SetSignatures(signing.SignatureV2{
			PubKey: nil, Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT, Signature: bytes.Repeat([]byte{1}, 64)},
		}); err != nil {
			f.Fatal(err)
		}
		bz, err := txConfig.TxEncoder()(b.GetTx())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bz)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := txConfig.TxDecoder()(data)
		if err != nil {
			return
		}
		for _, m := range tx.GetMsgs() {
			_, _, _ = fuzzApp.AppCodec().GetMsgV1Signers(m)
		}
		bz1, err := txConfig.TxEncoder()(tx)
		if err != nil {
			t.Fatalf("decoded tx does not encode: %v", err)
		}
		tx2, err := txConfig.TxDecoder()(bz1)
		if err != nil {
			t.Fatalf("re-encoded tx does not decode: %v", err)
		}
		bz2, err := txConfig.TxEncoder()(tx2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bz1, bz2) {
			t.Fatalf("tx re-encodes unstably:\n%x\n%x", bz1, bz2)
		}
	})
}
