// The identity rules of the domain: email normalisation, password policy, display names, roles and
// permissions, account state transitions, lockout durations and the refresh-token state machine.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "domain/identity/account.hpp"
#include "domain/identity/account_rules.hpp"
#include "domain/identity/display_name.hpp"
#include "domain/identity/email.hpp"
#include "domain/identity/lockout.hpp"
#include "domain/identity/password_policy.hpp"
#include "domain/identity/refresh_rules.hpp"
#include "domain/identity/utf8.hpp"

namespace {

using namespace bookstore::domain;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// ---- email ----

TEST(IdentityEmail, TrimsAndLowerCasesTheDomainOnly) {
  EXPECT_EQ(normalize_email("  John.Doe@Example.ORG \t\n"), "John.Doe@example.org");
  EXPECT_EQ(normalize_email("a+tag@sub.example.co.uk"), "a+tag@sub.example.co.uk");
  EXPECT_EQ(normalize_email("o'brien@x-y.example"), "o'brien@x-y.example");
  EXPECT_EQ(normalize_email("jörg@bücher.de"), "jörg@bücher.de");
}

TEST(IdentityEmail, RefusesWhatIsNotAnAddress) {
  for (const char* bad : {"",
                          "   ",
                          "plain",
                          "@example.com",
                          "john@",
                          "john@localhost",
                          "a@@b.com",
                          "a@b@c.com",
                          "john doe@example.com",
                          "john@exa mple.com",
                          ".john@example.com",
                          "john.@example.com",
                          "jo..hn@example.com",
                          "john@.example.com",
                          "john@example..com",
                          "john@example.com.",
                          "john@-example.com",
                          "john@example-.com",
                          "john@exa_mple.com",
                          "<john>@example.com",
                          "john,doe@example.com",
                          "\"john\"@example.com",
                          "jo\nhn@example.com",
                          "jo\x01hn@example.com",
                          "john@ex\x7f.com"}) {
    EXPECT_FALSE(normalize_email(bad).has_value()) << bad;
  }
}

TEST(IdentityEmail, RefusesInvalidUtf8AndOverlongAddresses) {
  EXPECT_FALSE(normalize_email("j\xC3@example.com"));
  EXPECT_FALSE(normalize_email("j\xC0\xAF@example.com"));  // overlong '/'
  const std::string local64(64, 'a');
  EXPECT_TRUE(normalize_email(local64 + "@example.com"));
  EXPECT_FALSE(normalize_email(local64 + "a@example.com"));
  // 254 bytes in all is fine, 255 is not.
  const std::string label(63, 'b');
  const std::string domain = label + "." + label + "." + std::string(61, 'c');  // 189 bytes
  const std::string address = local64 + "@" + domain;
  ASSERT_EQ(address.size(), 254u);
  EXPECT_TRUE(normalize_email(address));
  EXPECT_FALSE(normalize_email(address + "c"));
}

TEST(IdentityEmail, MasksTheLocalPart) {
  EXPECT_EQ(mask_email("john@example.com"), "j***@example.com");
  EXPECT_EQ(mask_email("ö@example.com"), "ö***@example.com");  // a whole code point
  EXPECT_EQ(mask_email("nonsense"), "***");
  EXPECT_EQ(mask_email("@example.com"), "***@example.com");
}

// ---- password policy ----

class IdentityPasswordPolicy : public ::testing::Test {
 protected:
  PasswordPolicy policy{{"password", "letmein1", "qwertyuiop"}};
};

TEST_F(IdentityPasswordPolicy, LengthIsEightToOneHundredTwentyEight) {
  EXPECT_TRUE(policy.problem("Abcdef7", "x@example.com"));
  EXPECT_FALSE(policy.problem("Abcdef78", "x@example.com"));
  EXPECT_FALSE(policy.problem(std::string(128, 'z'), "x@example.com"));
  EXPECT_TRUE(policy.problem(std::string(129, 'z'), "x@example.com"));
}

TEST_F(IdentityPasswordPolicy, CountsCodePointsNotBytes) {
  // Seven 2-byte letters: 14 bytes but 7 characters.
  EXPECT_TRUE(policy.problem("ééééééé", "x@example.com"));
  EXPECT_FALSE(policy.problem("éééééééé", "x@example.com"));
  // 128 four-byte emoji (512 bytes) are fine, 129 are not.
  std::string emoji;
  for (int i = 0; i < 128; ++i) emoji += "\xF0\x9F\x93\x9A";
  EXPECT_FALSE(policy.problem(emoji, "x@example.com"));
  EXPECT_TRUE(policy.problem(emoji + "\xF0\x9F\x93\x9A", "x@example.com"));
}

TEST_F(IdentityPasswordPolicy, RefusesInvalidUtf8) {
  EXPECT_TRUE(policy.problem("abcdefgh\xFF", "x@example.com"));
  EXPECT_TRUE(policy.problem("abcdefg\xED\xA0\x80", "x@example.com"));  // a surrogate
  EXPECT_TRUE(policy.problem("abcdefg\xE2\x82", "x@example.com"));      // cut short
}

TEST_F(IdentityPasswordPolicy, RefusesCommonPasswordsIgnoringCase) {
  EXPECT_TRUE(policy.problem("password", "x@example.com"));
  EXPECT_TRUE(policy.problem("PassWord", "x@example.com"));
  EXPECT_TRUE(policy.problem("LETMEIN1", "x@example.com"));
  EXPECT_FALSE(policy.problem("password-not-so-common", "x@example.com"));
  EXPECT_EQ(policy.common_count(), 3u);
}

TEST_F(IdentityPasswordPolicy, RefusesTheEmailItself) {
  EXPECT_TRUE(policy.problem("alice@example.com", "alice@example.com"));
  EXPECT_TRUE(policy.problem("Alice@Example.com", "alice@example.com"));
  EXPECT_FALSE(policy.problem("alice@example.com!", "alice@example.com"));
}

TEST(IdentityUtf8, LengthAndTruncation) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xE2\x82\xAC"), 1u);
  EXPECT_FALSE(utf8_length("\xF4\x90\x80\x80"));        // above U+10FFFF
  EXPECT_EQ(truncate_utf8("ab\xE2\x82\xAC", 4), "ab");  // the euro sign does not fit whole
  EXPECT_EQ(truncate_utf8("ab\xE2\x82\xAC", 5), "ab\xE2\x82\xAC");
  EXPECT_EQ(truncate_utf8("a\xFFz", 10), "a?z");
  EXPECT_EQ(truncate_utf8(std::string(300, 'u'), 256).size(), 256u);
}

TEST(IdentityDisplayName, TrimsAndBoundsTheLength) {
  EXPECT_EQ(normalize_display_name("  Ada Lovelace \n"), "Ada Lovelace");
  EXPECT_FALSE(normalize_display_name("   "));
  EXPECT_TRUE(normalize_display_name(std::string(100, 'n')));
  EXPECT_FALSE(normalize_display_name(std::string(101, 'n')));
  std::string hundred_umlauts;
  for (int i = 0; i < 100; ++i) hundred_umlauts += "ü";
  EXPECT_TRUE(normalize_display_name(hundred_umlauts));
  EXPECT_FALSE(normalize_display_name("Ada\r\nBcc: x@example.com"));
  EXPECT_FALSE(normalize_display_name("Ada\xC2\x85"));  // C1 next line
  EXPECT_FALSE(normalize_display_name("Ada\xFF"));
}

// ---- roles, permissions, states ----

TEST(IdentityRoles, PermissionTable) {
  const Permission all[] = {Permission::kReadUsers,     Permission::kResendMail,  Permission::kReadOrders,
                            Permission::kManageUsers,   Permission::kManageRoles, Permission::kReadAudit,
                            Permission::kManageCatalog, Permission::kManageOrders};
  auto allowed = [&](Role role) {
    std::string out;
    for (Permission p : all) {
      if (role_allows(role, p)) out += std::string(to_string(p)) + " ";
    }
    return out;
  };
  EXPECT_EQ(allowed(Role::kCustomer), "");
  EXPECT_EQ(allowed(Role::kSupport), "read_users resend_mail read_orders ");
  EXPECT_EQ(allowed(Role::kInventory), "manage_catalog ");
  EXPECT_EQ(allowed(Role::kAdmin),
            "read_users resend_mail read_orders manage_users manage_roles read_audit manage_catalog "
            "manage_orders ");
}

TEST(IdentityRoles, NamesRoundTripAndParseStrictly) {
  for (Role r : {Role::kCustomer, Role::kSupport, Role::kInventory, Role::kAdmin}) {
    EXPECT_EQ(parse_role(to_string(r)), r);
  }
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role("admin "));
  EXPECT_FALSE(parse_role(""));
  for (AccountState s : {AccountState::kActive, AccountState::kDeactivated, AccountState::kPendingDeletion,
                         AccountState::kDeleted}) {
    EXPECT_EQ(parse_account_state(to_string(s)), s);
  }
  EXPECT_EQ(to_string(AccountState::kPendingDeletion), "pending_deletion");
  EXPECT_FALSE(parse_account_state("banned"));
}

TEST(IdentityAccountStates, TransitionsFollowTheDiagram) {
  using S = AccountState;
  EXPECT_TRUE(is_allowed_transition(S::kActive, S::kDeactivated));
  EXPECT_TRUE(is_allowed_transition(S::kDeactivated, S::kActive));
  EXPECT_TRUE(is_allowed_transition(S::kActive, S::kPendingDeletion));
  EXPECT_TRUE(is_allowed_transition(S::kPendingDeletion, S::kActive));
  EXPECT_TRUE(is_allowed_transition(S::kPendingDeletion, S::kDeleted));
  EXPECT_FALSE(is_allowed_transition(S::kDeactivated, S::kPendingDeletion));
  EXPECT_FALSE(is_allowed_transition(S::kPendingDeletion, S::kDeactivated));
  EXPECT_FALSE(is_allowed_transition(S::kActive, S::kDeleted));
  EXPECT_FALSE(is_allowed_transition(S::kDeleted, S::kActive));
  EXPECT_FALSE(is_allowed_transition(S::kActive, S::kActive));
}

// ---- lockout ----

TEST(IdentityLockout, NothingBelowTheThresholdThenDoublingUpToTheCap) {
  const LockoutPolicy policy{5, 30s, 900s};
  EXPECT_FALSE(lockout_duration(0, policy));
  EXPECT_FALSE(lockout_duration(4, policy));
  EXPECT_EQ(lockout_duration(5, policy), 30s);
  EXPECT_EQ(lockout_duration(6, policy), 60s);
  EXPECT_EQ(lockout_duration(7, policy), 120s);
  EXPECT_EQ(lockout_duration(9, policy), 480s);
  EXPECT_EQ(lockout_duration(10, policy), 900s);  // 960 capped
  EXPECT_EQ(lockout_duration(1000000, policy), 900s);
  EXPECT_EQ(lockout_duration(2147483647, policy), 900s);
}

TEST(IdentityLockout, RetryAfterRoundsUp) {
  const auto now = Clock::now();
  EXPECT_EQ(seconds_until(now + 29500ms, now), 30s);
  EXPECT_EQ(seconds_until(now + 30s, now), 30s);
  EXPECT_EQ(seconds_until(now - 1s, now), 1s);
}

// ---- refresh state machine ----

class IdentityRefreshRules : public ::testing::Test {
 protected:
  Clock::time_point now = Clock::time_point(std::chrono::seconds(1'700'000'000));
  RefreshFacts live() const {
    RefreshFacts f;
    f.idle_expires_at = now + 24h;
    f.absolute_expires_at = now + 48h;
    return f;
  }
};

TEST_F(IdentityRefreshRules, CurrentTokenOfALiveSessionRotates) {
  EXPECT_EQ(decide_refresh(live(), now, 10s), RefreshDecision::kRotate);
}

TEST_F(IdentityRefreshRules, ReplacedWithinGraceIsAReplayAfterItIsReuse) {
  RefreshFacts f = live();
  f.token_replaced_at = now - 10s;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kGraceReplay);
  f.token_replaced_at = now - 11s;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kReuseDetected);
  f.token_replaced_at = now + 2s;  // another instance's clock is ahead
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kGraceReplay);
}

TEST_F(IdentityRefreshRules, ExpiryByIdleOrAbsoluteLifetime) {
  RefreshFacts f = live();
  f.idle_expires_at = now;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kExpired);
  f = live();
  f.absolute_expires_at = now - 1s;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kExpired);
  f.token_replaced_at = now - 1h;  // a dead session has nothing left to revoke
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kExpired);
}

TEST_F(IdentityRefreshRules, RevokedWinsOverEverything) {
  RefreshFacts f = live();
  f.session_revoked_at = now - 1s;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kRevoked);
  f.token_replaced_at = now - 1h;
  f.idle_expires_at = now - 1s;
  EXPECT_EQ(decide_refresh(f, now, 10s), RefreshDecision::kRevoked);
}

TEST_F(IdentityRefreshRules, IdleExpiryNeverPassesTheAbsoluteOne) {
  EXPECT_EQ(next_idle_expiry(now, 30 * 24h, now + 90 * 24h), now + 30 * 24h);
  EXPECT_EQ(next_idle_expiry(now, 30 * 24h, now + 24h), now + 24h);
}

}  // namespace
