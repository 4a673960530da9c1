package research_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/carechain/carechain/app"
	"github.com/carechain/carechain/app/devnet"
	"github.com/carechain/carechain/testutil/apptest"
	"github.com/carechain/carechain/testutil/catalog"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	"github.com/carechain/carechain/x/research/types"
)

// TestBadInputCatalog delivers malformed and unauthorized research
// transactions; each must fail with its specific registered error and
// change nothing but the signer's fee and sequence: no study, version,
// participation, consent or dataset appears or changes, and no coin moves
// into or out of the study escrow.
func TestBadInputCatalog(t *testing.T) {
	h := apptest.New(t)
	const sponsor, irb, study1 = devnet.NorthwindAdmin, devnet.IRBAdmin, uint64(devnet.NorthwindStudyID)
	usd := func(n int64) math.Int { return math.NewInt(n * 1_000_000) }
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	register := func(change func(h *apptest.Harness, m *types.MsgRegisterStudy)) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := &types.MsgRegisterStudy{Sponsor: h.Addr(sponsor), Title: "NW-301 Sleep and blood pressure", ProtocolHash: hash("a1"),
				IrbOrg: devnet.OrgIRB, RequestedCategories: []string{"Observation"}, TargetEnrollment: 2,
				Incentive: sdk.NewCoin(app.SettlementDenom, usd(1)), EndsAt: h.Time().Add(30 * 24 * time.Hour)}
			if change != nil {
				change(h, m)
			}
			return []sdk.Msg{m}
		}
	}
	lastStudy := func(t *testing.T, h *apptest.Harness) uint64 {
		next, err := h.App.ResearchKeeper.StudySeq.Peek(h.Ctx())
		require.NoError(t, err)
		return next - 1
	}
	newStudy := func(t *testing.T, h *apptest.Harness, target uint32) uint64 {
		catalog.MustDeliver(t, h, sponsor, register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
			m.TargetEnrollment, m.ProtocolHash = target, hash(fmt.Sprintf("protocol of study %d", target))
		})(h)...)
		return lastStudy(t, h)
	}
	approve := func(reviewer string, id uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			s, err := h.App.ResearchKeeper.GetStudy(h.Ctx(), id)
			if err != nil {
				return []sdk.Msg{&types.MsgApproveStudy{Reviewer: h.Addr(reviewer), StudyId: id, ProtocolVersion: 1, ProtocolHash: hash("a1")}}
			}
			return []sdk.Msg{&types.MsgApproveStudy{Reviewer: h.Addr(reviewer), StudyId: id, ProtocolVersion: s.ProtocolVersion, ProtocolHash: s.ProtocolHash}}
		}
	}
	setStatus := func(signer string, id uint64, st types.StudyStatus) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgSetStudyStatus{Sponsor: h.Addr(signer), StudyId: id, Status: st}}
		}
	}
	enroll := func(patient string, id uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgEnroll{Patient: h.Addr(patient), StudyId: id}}
		}
	}
	withdraw := func(patient string, id uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgWithdraw{Patient: h.Addr(patient), StudyId: id}}
		}
	}
	reconsent := func(patient string, id uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgReconsent{Patient: h.Addr(patient), StudyId: id}}
		}
	}
	amend := func(signer string, id uint64, protocolHash string) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgAmendProtocol{Sponsor: h.Addr(signer), StudyId: id, ProtocolHash: protocolHash}}
		}
	}
	anchor := func(signer string, id uint64, datasetHash string, records uint64) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgAnchorDataset{Sponsor: h.Addr(signer), StudyId: id, DatasetHash: datasetHash, RecordCount: records}}
		}
	}
	publish := func(signer string, id uint64, uri string) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			return []sdk.Msg{&types.MsgPublishResults{Sponsor: h.Addr(signer), StudyId: id, ResultsHash: hash("c3"), ResultsUri: uri}}
		}
	}
	exec := func(grantee string, msgs func(*apptest.Harness) []sdk.Msg) func(*apptest.Harness) []sdk.Msg {
		return func(h *apptest.Harness) []sdk.Msg {
			m := authz.NewMsgExec(h.AccAddr(grantee), msgs(h))
			return []sdk.Msg{&m}
		}
	}
	grantAuthz := func(t *testing.T, h *apptest.Harness, granter, grantee string, msgType sdk.Msg) {
		exp := h.Time().Add(24 * time.Hour)
		g, err := authz.NewMsgGrant(h.AccAddr(granter), h.AccAddr(grantee), authz.NewGenericAuthorization(sdk.MsgTypeURL(msgType)), &exp)
		require.NoError(t, err)
		catalog.MustDeliver(t, h, granter, g)
	}

	// The studies the cases act on, besides the demo study 1 (RECRUITING,
	// alice enrolled, bob enrolled and withdrew, one dataset anchored):
	// draft (DRAFT), approved (APPROVED), full (RECRUITING, target 1, bob
	// enrolled), ended (approved, then TERMINATED).
	draft := newStudy(t, h, 2)
	approved := newStudy(t, h, 2)
	catalog.MustDeliver(t, h, irb, approve(irb, approved)(h)...)
	full := newStudy(t, h, 1)
	catalog.MustDeliver(t, h, irb, approve(irb, full)(h)...)
	catalog.MustDeliver(t, h, sponsor, setStatus(sponsor, full, types.StudyStatusRecruiting)(h)...)
	catalog.MustDeliver(t, h, devnet.Bob, enroll(devnet.Bob, full)(h)...)
	ended := newStudy(t, h, 2)
	catalog.MustDeliver(t, h, irb, approve(irb, ended)(h)...)
	catalog.MustDeliver(t, h, sponsor, setStatus(sponsor, ended, types.StudyStatusTerminated)(h)...)
	catalog.MustDeliver(t, h, devnet.Alice, enroll(devnet.Alice, study1)(h)...)
	catalog.MustDeliver(t, h, devnet.Bob, enroll(devnet.Bob, study1)(h)...)
	catalog.MustDeliver(t, h, devnet.Bob, withdraw(devnet.Bob, study1)(h)...)
	catalog.MustDeliver(t, h, sponsor, anchor(sponsor, study1, hash("d4"), 120)(h)...)

	escrow := authtypes.NewModuleAddress(types.ModuleName).String()
	// 2^260 is more than math.Int's 256 bits: only a hand-encoded
	// message can carry it.
	tooBig := new(big.Int).Lsh(big.NewInt(1), 260).String()
	// 2^250 fits, but 2^250 × 100 participants does not.
	huge := math.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 250))

	cases := []catalog.Case{
		// MsgRegisterStudy: who registers.
		{Name: "register a study as an account that acts for no sponsor", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: register(func(h *apptest.Harness, m *types.MsgRegisterStudy) { m.Sponsor = h.Addr(devnet.Bob) }), Want: types.ErrNotSponsorMember},
		{Name: "register a study for a provider organization", Kind: catalog.Unauthorized, Signer: devnet.MercyAdmin,
			Msgs: register(func(h *apptest.Harness, m *types.MsgRegisterStudy) {
				m.Sponsor, m.SponsorOrg = h.Addr(devnet.MercyAdmin), devnet.OrgMercy
			}), Want: types.ErrNotSponsorMember},
		{Name: "register a study for a sponsor the signer does not act for", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.SponsorOrg = devnet.OrgMercy }), Want: types.ErrNotSponsorMember},
		{Name: "register a study signed with another key", Kind: catalog.WrongSigner, Signer: devnet.Bob, Msgs: register(nil), Want: sdkerrors.ErrInvalidPubKey},
		{Name: "register a study with the sponsor's address in upper case", Kind: catalog.BadAddress, Signer: sponsor,
			Msgs: register(func(h *apptest.Harness, m *types.MsgRegisterStudy) { m.Sponsor = strings.ToUpper(h.Addr(sponsor)) }), Want: types.ErrInvalidAddress},
		// Terms.
		{Name: "register a study with an empty title", Kind: catalog.Empty, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.Title = "" }), Want: types.ErrInvalidStudy},
		{Name: "register a study with a 161-character title", Kind: catalog.Oversized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.Title = strings.Repeat("T", 161) }), Want: types.ErrInvalidStudy},
		{Name: "register a study whose title carries an e-mail address", Kind: catalog.Malformed, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.Title = "Contact alice@example.org" }), Want: types.ErrInvalidStudy},
		{Name: "register a study with an upper-case protocol hash", Kind: catalog.Malformed, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.ProtocolHash = strings.ToUpper(hash("a1")) }), Want: types.ErrInvalidStudy},
		{Name: "register a study with a 257-character protocol URI", Kind: catalog.Oversized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.ProtocolUri = "https://northwind.example/" + strings.Repeat("p", 257-len("https://northwind.example/"))
			}), Want: types.ErrInvalidStudy},
		{Name: "register a study requesting no categories", Kind: catalog.Empty, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.RequestedCategories = nil }), Want: types.ErrInvalidStudy},
		{Name: "register a study requesting a category twice", Kind: catalog.Duplicate, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.RequestedCategories = []string{"Observation", "Observation"}
			}),
			Want: types.ErrInvalidStudy},
		{Name: "register a study requesting 33 categories", Kind: catalog.Oversized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.RequestedCategories = nil
				for i := range 33 {
					m.RequestedCategories = append(m.RequestedCategories, "cat-"+big.NewInt(int64(i)).String())
				}
			}), Want: types.ErrInvalidStudy},
		{Name: "register a study with a target of zero", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.TargetEnrollment = 0 }), Want: types.ErrInvalidStudy},
		{Name: "register a study above max_target_enrollment", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.TargetEnrollment = types.DefaultMaxTargetEnrollment + 1
			}),
			Want: types.ErrInvalidStudy},
		{Name: "register a study with a negative incentive", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.Incentive = sdk.Coin{Denom: app.SettlementDenom, Amount: math.NewInt(-1)}
			}), Want: types.ErrInvalidStudy},
		{Name: "register a study whose escrow overflows 256 bits", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.Incentive, m.TargetEnrollment = sdk.NewCoin(app.SettlementDenom, huge), 100
			}), Want: types.ErrInvalidStudy},
		{Name: "register a study with an incentive above 256 bits", Kind: catalog.BadAmount, Signer: sponsor,
			Tx: func(t *testing.T, h *apptest.Harness) []byte {
				coin := protowire.AppendTag(nil, 1, protowire.BytesType)
				coin = protowire.AppendString(coin, app.SettlementDenom)
				coin = protowire.AppendTag(coin, 2, protowire.BytesType)
				coin = protowire.AppendString(coin, tooBig)
				return catalog.SignRaw(t, h, sponsor, catalog.RawMsg("/carechain.research.v1.MsgRegisterStudy",
					catalog.RawField{Num: 1, Bytes: []byte(h.Addr(sponsor))}, catalog.RawField{Num: 3, Bytes: []byte("NW-302")},
					catalog.RawField{Num: 4, Bytes: []byte(hash("b2"))}, catalog.RawField{Num: 6, Bytes: []byte(devnet.OrgIRB)},
					catalog.RawField{Num: 7, Bytes: []byte("Observation")}, catalog.RawField{Num: 8, Uint: 1},
					catalog.RawField{Num: 9, Bytes: coin}))
			}, Want: sdkerrors.ErrTxDecode},
		{Name: "register a study paying in a malformed denom", Kind: catalog.UnknownDenom, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.Incentive.Denom = "u$d" }), Want: types.ErrInvalidStudy},
		{Name: "register a study paying in a denom nobody holds", Kind: catalog.UnknownDenom, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.Incentive.Denom = "ufoo" }), Want: sdkerrors.ErrInsufficientFunds},
		{Name: "register a study whose escrow exceeds the sponsor's funds", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) {
				m.Incentive, m.TargetEnrollment = sdk.NewCoin(app.SettlementDenom, usd(1_000_000)), 100_000
			}), Want: sdkerrors.ErrInsufficientFunds},
		{Name: "register a study that already ended", Kind: catalog.Malformed, Signer: sponsor,
			Msgs: register(func(h *apptest.Harness, m *types.MsgRegisterStudy) { m.EndsAt = h.Time().Add(-time.Hour) }), Want: types.ErrInvalidStudy},
		{Name: "register a study longer than max_study_duration", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: register(func(h *apptest.Harness, m *types.MsgRegisterStudy) {
				m.EndsAt = h.Time().Add(types.DefaultMaxStudyDuration + time.Hour)
			}), Want: types.ErrInvalidStudy},
		{Name: "register a study reviewed by its own sponsor", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.IrbOrg = devnet.OrgNorthwind }), Want: types.ErrInvalidIRB},
		{Name: "register a study reviewed by a payer", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.IrbOrg = devnet.OrgAcme }), Want: types.ErrInvalidIRB},
		{Name: "register a study reviewed by an unknown IRB", Kind: catalog.NotFound, Signer: sponsor,
			Msgs: register(func(_ *apptest.Harness, m *types.MsgRegisterStudy) { m.IrbOrg = "no-such-irb" }), Want: types.ErrInvalidIRB},
		// MsgApproveStudy.
		{Name: "approve a study as an account outside its IRB", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: approve(devnet.Bob, draft), Want: types.ErrNotIRBMember},
		{Name: "approve a study as its sponsor", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: approve(sponsor, draft), Want: types.ErrNotIRBMember},
		{Name: "approve the current version twice", Kind: catalog.Duplicate, Signer: irb,
			Msgs: approve(irb, study1), Want: types.ErrAlreadyApproved},
		{Name: "approve a version that is not the current one", Kind: catalog.Malformed, Signer: irb,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgApproveStudy{Reviewer: h.Addr(irb), StudyId: draft, ProtocolVersion: 2, ProtocolHash: hash("ff")}}
			}, Want: types.ErrVersionMismatch},
		{Name: "approve a study that does not exist", Kind: catalog.NotFound, Signer: irb, Msgs: approve(irb, 9_999), Want: types.ErrStudyNotFound},
		{Name: "approve a terminated study", Kind: catalog.BadState, Signer: irb,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				s, err := h.App.ResearchKeeper.GetStudy(h.Ctx(), ended)
				require.NoError(t, err)
				return []sdk.Msg{&types.MsgApproveStudy{Reviewer: h.Addr(irb), StudyId: ended, ProtocolVersion: s.ProtocolVersion + 1, ProtocolHash: hash("ee")}}
			}, Want: types.ErrWrongStudyStatus},
		// MsgAmendProtocol.
		{Name: "amend a protocol as an account outside the sponsor", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: amend(devnet.Bob, study1, hash("e5")), Want: types.ErrNotSponsorMember},
		{Name: "amend a protocol to the same hash", Kind: catalog.Duplicate, Signer: sponsor,
			Msgs: amend(sponsor, study1, devnet.NorthwindStudyProtocolHash), Want: types.ErrInvalidStudy},
		{Name: "amend a protocol to an empty hash", Kind: catalog.Empty, Signer: sponsor,
			Msgs: amend(sponsor, study1, ""), Want: types.ErrInvalidStudy},
		{Name: "amend a terminated study", Kind: catalog.BadState, Signer: sponsor,
			Msgs: amend(sponsor, ended, hash("e6")), Want: types.ErrWrongStudyStatus},
		// MsgSetStudyStatus.
		{Name: "recruit for a study the IRB has not approved", Kind: catalog.BadState, Signer: sponsor,
			Msgs: setStatus(sponsor, draft, types.StudyStatusRecruiting), Want: types.ErrInvalidStatusTransition},
		{Name: "reopen a terminated study", Kind: catalog.BadState, Signer: sponsor,
			Msgs: setStatus(sponsor, ended, types.StudyStatusRecruiting), Want: types.ErrInvalidStatusTransition},
		{Name: "mark a study approved by the sponsor", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: setStatus(sponsor, draft, types.StudyStatusApproved), Want: types.ErrInvalidStatusTransition},
		{Name: "end a study as an account outside the sponsor", Kind: catalog.Unauthorized, Signer: devnet.Bob,
			Msgs: setStatus(devnet.Bob, study1, types.StudyStatusTerminated), Want: types.ErrNotSponsorMember},
		// MsgEnroll: enrollment outside RECRUITING, over target, twice.
		{Name: "enroll in a study the IRB has not approved", Kind: catalog.BadState, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, draft), Want: types.ErrStudyNotApproved},
		{Name: "enroll in an approved study that is not recruiting", Kind: catalog.BadState, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, approved), Want: types.ErrStudyNotRecruiting},
		{Name: "enroll in a terminated study", Kind: catalog.BadState, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, ended), Want: types.ErrStudyNotRecruiting},
		{Name: "enroll beyond the target", Kind: catalog.BadState, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, full), Want: types.ErrStudyFull},
		{Name: "enroll twice", Kind: catalog.Duplicate, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, study1), Want: types.ErrAlreadyEnrolled},
		{Name: "enroll again after withdrawing", Kind: catalog.Duplicate, Signer: devnet.Bob,
			Msgs: enroll(devnet.Bob, study1), Want: types.ErrAlreadyEnrolled},
		{Name: "enroll in a study that does not exist", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: enroll(devnet.Alice, 9_999), Want: types.ErrStudyNotFound},
		{Name: "enroll with the patient's address in upper case", Kind: catalog.BadAddress, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgEnroll{Patient: strings.ToUpper(h.Addr(devnet.Alice)), StudyId: study1}}
			}, Want: types.ErrInvalidAddress},
		// MsgWithdraw and MsgReconsent.
		{Name: "withdraw twice", Kind: catalog.Duplicate, Signer: devnet.Bob, Msgs: withdraw(devnet.Bob, study1), Want: types.ErrAlreadyWithdrawn},
		{Name: "withdraw from a study the patient never joined", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: withdraw(devnet.Alice, full), Want: types.ErrParticipationNotFound},
		{Name: "re-consent after withdrawing", Kind: catalog.BadState, Signer: devnet.Bob, Msgs: reconsent(devnet.Bob, study1), Want: types.ErrAlreadyWithdrawn},
		{Name: "re-consent to a study the patient never joined", Kind: catalog.NotFound, Signer: devnet.Alice,
			Msgs: reconsent(devnet.Alice, full), Want: types.ErrParticipationNotFound},
		{Name: "re-consent while the amendment awaits the IRB", Kind: catalog.BadState, Signer: devnet.Bob,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, sponsor, amend(sponsor, full, hash("f7"))(h)...)
			},
			Msgs: reconsent(devnet.Bob, full), Want: types.ErrStudyNotApproved},
		// MsgAnchorDataset.
		{Name: "anchor a dataset of a study that never recruited", Kind: catalog.BadState, Signer: sponsor,
			Msgs: anchor(sponsor, draft, hash("d5"), 10), Want: types.ErrWrongStudyStatus},
		{Name: "anchor a dataset of zero records", Kind: catalog.BadAmount, Signer: sponsor,
			Msgs: anchor(sponsor, study1, hash("d6"), 0), Want: types.ErrInvalidDataset},
		{Name: "anchor a dataset with a 63-character hash", Kind: catalog.Malformed, Signer: sponsor,
			Msgs: anchor(sponsor, study1, hash("d7")[:63], 10), Want: types.ErrInvalidDataset},
		{Name: "anchor the same dataset twice", Kind: catalog.Duplicate, Signer: sponsor,
			Msgs: anchor(sponsor, study1, hash("d4"), 120), Want: types.ErrDuplicateDataset},
		{Name: "anchor a dataset as an account outside the sponsor", Kind: catalog.Unauthorized, Signer: irb,
			Msgs: anchor(irb, study1, hash("d8"), 10), Want: types.ErrNotSponsorMember},
		// MsgPublishResults.
		{Name: "publish results while recruiting", Kind: catalog.BadState, Signer: sponsor,
			Msgs: publish(sponsor, study1, "https://northwind.example/results/nw-204"), Want: types.ErrWrongStudyStatus},
		{Name: "publish results without a URI", Kind: catalog.Empty, Signer: sponsor,
			Msgs: publish(sponsor, ended, ""), Want: types.ErrInvalidResults},
		{Name: "publish results twice", Kind: catalog.Duplicate, Signer: sponsor,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, sponsor, publish(sponsor, ended, "https://northwind.example/results/1")(h)...)
			},
			Msgs: publish(sponsor, ended, "https://northwind.example/results/2"), Want: types.ErrResultsAlreadyPublished},
		// The escrow takes coins only through RegisterStudy.
		{Name: "coins sent straight to the research escrow account", Kind: catalog.EscrowSend, Signer: sponsor,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&banktypes.MsgSend{FromAddress: h.Addr(sponsor), ToAddress: escrow, Amount: sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, usd(1)))}}
			}, Want: sdkerrors.ErrUnauthorized},
		{Name: "coins multi-sent to the research escrow account", Kind: catalog.EscrowSend, Signer: sponsor,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				coins := sdk.NewCoins(sdk.NewCoin(app.SettlementDenom, usd(1)))
				return []sdk.Msg{&banktypes.MsgMultiSend{
					Inputs:  []banktypes.Input{{Address: h.Addr(sponsor), Coins: coins}},
					Outputs: []banktypes.Output{{Address: escrow, Coins: coins}},
				}}
			}, Want: sdkerrors.ErrUnauthorized},
		// Consent to research is the patient's own act. A grant FROM the
		// patient is that act (x/authz runs the inner message as signed by
		// the patient); a sponsor enrolling a patient without one, someone
		// else's grant, or the patient's grant stretched to another
		// message must fail, and so must ending the research consent
		// behind the study's back.
		{Name: "sponsor enrolls a patient through authz with no grant", Kind: catalog.AuthzConsent, Signer: sponsor,
			Msgs: exec(sponsor, enroll(devnet.Carol, study1)), Want: authz.ErrNoAuthorizationFound},
		{Name: "another account's authz grant used to enroll the patient", Kind: catalog.AuthzConsent, Signer: sponsor,
			Setup: func(t *testing.T, h *apptest.Harness) {
				grantAuthz(t, h, devnet.MercyAdmin, sponsor, &types.MsgEnroll{})
			},
			Msgs: exec(sponsor, enroll(devnet.Carol, study1)), Want: authz.ErrNoAuthorizationFound},
		{Name: "patient's authz grant to enroll used to withdraw", Kind: catalog.AuthzConsent, Signer: sponsor,
			Setup: func(t *testing.T, h *apptest.Harness) { grantAuthz(t, h, devnet.Alice, sponsor, &types.MsgEnroll{}) },
			Msgs:  exec(sponsor, withdraw(devnet.Alice, study1)), Want: authz.ErrNoAuthorizationFound},
		{Name: "patient's authz grant used to enroll another patient", Kind: catalog.AuthzConsent, Signer: sponsor,
			Msgs: exec(sponsor, enroll(devnet.Carol, study1)), Want: authz.ErrNoAuthorizationFound},
		{Name: "revoke the research consent in x/consent instead of withdrawing", Kind: catalog.Unauthorized, Signer: devnet.Alice,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				p, err := h.App.ResearchKeeper.GetParticipation(h.Ctx(), study1, h.AccAddr(devnet.Alice))
				require.NoError(t, err)
				return []sdk.Msg{&consenttypes.MsgRevokeConsent{Signer: h.Addr(devnet.Alice), Patient: h.Addr(devnet.Alice), ConsentId: p.ConsentId}}
			}, Want: consenttypes.ErrManagedConsent},
		// MsgUpdateParams.
		{Name: "change parameters without governance", Kind: catalog.Unauthorized, Signer: sponsor,
			Msgs: func(h *apptest.Harness) []sdk.Msg {
				return []sdk.Msg{&types.MsgUpdateParams{Authority: h.Addr(sponsor), Params: types.DefaultParams()}}
			}, Want: types.ErrInvalidAuthority},
		{Name: "approve a study as an IRB member who also acts for the sponsor", Kind: catalog.Unauthorized, Signer: irb,
			Setup: func(t *testing.T, h *apptest.Harness) {
				catalog.MustDeliver(t, h, sponsor, &registrytypes.MsgAddMember{Admin: h.Addr(sponsor), OrganizationId: devnet.OrgNorthwind, Member: h.Addr(irb)})
			},
			Msgs: approve(irb, draft), Want: types.ErrConflictOfInterest},
		catalog.ReplayCase("replayed enrollment", devnet.Consortium, enroll(devnet.Consortium, study1)),
	}
	catalog.RequireKinds(t, cases, catalog.Empty, catalog.Oversized, catalog.BadAddress, catalog.WrongSigner,
		catalog.Unauthorized, catalog.Duplicate, catalog.BadAmount, catalog.UnknownDenom, catalog.EscrowSend,
		catalog.AuthzConsent, catalog.Replayed)
	requireEveryMsg(t, cases, h, "/carechain.research.v1.")
	catalog.Run(t, h, cases)
	require.NoError(t, h.App.ResearchKeeper.CheckInvariants(h.Ctx()))
	t.Logf("%d research bad-input cases", len(cases))
}

// requireEveryMsg fails unless the cases send every message of the module
// (by type URL prefix), directly or inside an authz MsgExec.
func requireEveryMsg(t *testing.T, cases []catalog.Case, h *apptest.Harness, prefix string) {
	t.Helper()
	sent := map[string]bool{}
	var visit func(m sdk.Msg)
	visit = func(m sdk.Msg) {
		sent[sdk.MsgTypeURL(m)] = true
		if e, ok := m.(*authz.MsgExec); ok {
			inner, err := e.GetMessages()
			require.NoError(t, err)
			for _, im := range inner {
				visit(im)
			}
		}
	}
	for _, c := range cases {
		if c.Msgs != nil {
			for _, m := range c.Msgs(h) {
				visit(m)
			}
		}
	}
	for _, url := range h.App.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(url, prefix) {
			require.True(t, sent[url], "no bad-input case sends %s", url)
		}
	}
}
