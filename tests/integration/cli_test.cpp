// The commands of the real binary (BOOKSTORE_BINARY): --help, configuration errors, `migrate` and
// `worker`, against scratch databases of the test cluster. `serve` is covered by the workflow tests.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/config/config.hpp"
#include "adapters/pg/migrations.hpp"
#include "support.hpp"

namespace bookstore {
namespace {

using testing::create_scratch_database;
using testing::drop_database;
using testing::exec_blocking;
using namespace std::chrono_literals;

using testing::Outcome;
using testing::run_binary;

// Polls `sql` (first column of the first row) until it equals `expected` or `timeout` passes.
std::string wait_for_value(const std::string& url, const std::string& sql, const std::string& expected,
                           std::chrono::milliseconds timeout = 15s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string value;
  for (;;) {
    try {
      value = exec_blocking(url, sql);
    } catch (const std::exception&) {
      value.clear();  // e.g. the table does not exist yet
    }
    if (value == expected || std::chrono::steady_clock::now() > deadline) return value;
    std::this_thread::sleep_for(50ms);
  }
}

TEST(Cli, HelpListsCommandsAndEveryVariable) {
  auto out = run_binary({}, {"--help"});
  EXPECT_EQ(out.exit_code, 0);
  for (const char* command : {"serve", "worker", "migrate"})
    EXPECT_NE(out.output.find(command), std::string::npos);
  for (auto& v : config::variables()) EXPECT_NE(out.output.find(v.name), std::string::npos) << v.name;
}

TEST(Cli, UnknownCommandAndBadConfigurationExitWithStatus2) {
  auto unknown = run_binary({}, {"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command"), std::string::npos);

  auto bad = run_binary({"BOOKSTORE_PORT=eighty"}, {"serve"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("BOOKSTORE_PORT"), std::string::npos) << bad.output;
}

TEST(Cli, MigrateAppliesEveryMigrationOnceAndFailsClearlyWithoutADatabase) {
  const std::string db = "bookstore_cli_migrate_" + std::to_string(getpid());
  const std::string url = create_scratch_database(db);
  const auto total = pg::embedded_migrations().size();

  auto first = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"migrate"});
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("applied " + std::to_string(total) + " migration(s)"), std::string::npos)
      << first.output;
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) FROM schema_migrations"), std::to_string(total));

  auto second = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"migrate"});
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("applied 0 migration(s)"), std::string::npos) << second.output;

  // Nothing listens on port 1: a clear failure, not a hang or a crash.
  auto unreachable = run_binary({"BOOKSTORE_DATABASE_URL=postgresql://bookstore@127.0.0.1:1/bookstore",
                                 "BOOKSTORE_DB_CONNECT_TIMEOUT_MS=500"},
                                {"migrate"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.output;
  EXPECT_NE(unreachable.output.find("bookstore migrate:"), std::string::npos) << unreachable.output;
  drop_database(db);
}

TEST(Cli, WorkerMigratesRunsJobsAndStopsGracefullyOnSigterm) {
  const std::string db = "bookstore_cli_worker_" + std::to_string(getpid());
  const std::string url = create_scratch_database(db);

  // The worker opens sealed mail payloads, so it needs the keys like serve does.
  const std::string keys = ::testing::TempDir() + "cli-worker-keys-" + std::to_string(getpid());
  ASSERT_EQ(run_binary({}, {"keys", "generate", keys}).exit_code, 0);
  std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin",
                                          "BOOKSTORE_DATABASE_URL=" + url,
                                          "BOOKSTORE_TEST_JOBS=1",
                                          "BOOKSTORE_INSTANCE_ID=cli-worker",
                                          "BOOKSTORE_LOG_LEVEL=warn",
                                          "BOOKSTORE_TOKEN_SIGNING_KEY=" + keys + "/signing.k4.secret",
                                          "BOOKSTORE_LOCAL_KEY=" + keys + "/local.k4.local"};
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = BOOKSTORE_BINARY;
  std::string command = "worker";
  char* argv[] = {binary.data(), command.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);

  // The worker applies the migrations itself, then heartbeats.
  EXPECT_EQ(wait_for_value(url, "SELECT count(*) FROM job_workers WHERE instance_id = 'cli-worker'", "1"),
            "1");
  std::string id = exec_blocking(url, "INSERT INTO jobs (kind) VALUES ('test.noop') RETURNING id");
  EXPECT_EQ(wait_for_value(url, "SELECT state FROM jobs WHERE id = " + id, "completed"), "completed");

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // A clean stop removes this instance's heartbeat, so nobody waits for it to time out.
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) FROM job_workers WHERE instance_id = 'cli-worker'"), "0");
  drop_database(db);
}

TEST(Cli, KeysGenerateWritesPrivateFilesAndNeverOverwrites) {
  const std::string dir = ::testing::TempDir() + "cli-keys-" + std::to_string(getpid());
  auto first = run_binary({}, {"keys", "generate", dir});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto read = [](const std::string& path) {
    std::string out;
    if (FILE* f = std::fopen(path.c_str(), "r")) {
      char buf[512];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
      std::fclose(f);
    }
    return out;
  };
  std::string signing = read(dir + "/signing.k4.secret");
  std::string local = read(dir + "/local.k4.local");
  EXPECT_EQ(signing.rfind("k4.secret.", 0), 0u);
  EXPECT_EQ(local.rfind("k4.local.", 0), 0u);
  struct stat st {};
  ASSERT_EQ(stat((dir + "/signing.k4.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second run keeps the keys: regenerating would log everybody out and lose sealed mails.
  auto second = run_binary({}, {"keys", "generate", dir});
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(read(dir + "/signing.k4.secret"), signing);
  EXPECT_EQ(read(dir + "/local.k4.local"), local);
}

TEST(Cli, ServeRefusesToStartWithoutASigningKey) {
  auto out = run_binary(
      {"BOOKSTORE_DATABASE_URL=postgresql://bookstore@127.0.0.1:1/bookstore", "BOOKSTORE_PORT=0"}, {"serve"});
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.output.find("BOOKSTORE_TOKEN_SIGNING_KEY"), std::string::npos) << out.output;
}

TEST(Cli, AdminCreateMakesAVerifiedAdminAndRefusesBadInput) {
  const std::string db = "bookstore_cli_admin_" + std::to_string(getpid());
  const std::string url = create_scratch_database(db);
  const std::vector<std::string> env = {"BOOKSTORE_DATABASE_URL=" + url, "BOOKSTORE_LOG_LEVEL=error"};

  auto created = run_binary(env, {"admin", "create", "--email", "Boss@Example.TEST", "--name", "Boss"},
                            std::string("a long admin passphrase"));
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_NE(created.output.find("created administrator"), std::string::npos) << created.output;
  EXPECT_EQ(
      exec_blocking(url, "SELECT role || ',' || (email_verified_at IS NOT NULL) || ',' || email FROM users"),
      "admin,true,Boss@example.test");

  // The same address again (any case): refused, nothing added.
  auto again = run_binary(env, {"admin", "create", "--email", "boss@example.test"},
                          std::string("another long passphrase"));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  // A common password: refused naming the field.
  auto weak = run_binary(env, {"admin", "create", "--email", "other@example.test"}, std::string("password1"));
  EXPECT_EQ(weak.exit_code, 1) << weak.output;
  EXPECT_NE(weak.output.find("password:"), std::string::npos) << weak.output;
  // No password at all, or no --email: usage errors.
  EXPECT_EQ(run_binary(env, {"admin", "create", "--email", "x@example.test"}).exit_code, 2);
  EXPECT_EQ(run_binary(env, {"admin", "create"}, std::string("a long admin passphrase")).exit_code, 2);
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) FROM users"), "1");
  drop_database(db);
}

}  // namespace
}  // namespace bookstore
