using Dapper;
using Governance.Bench.Generator;
using Governance.Core.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Tests.Infrastructure;

/// <summary>
/// The test database is dropped and rebuilt from sql/ (migrations, then the demo seed) once per run,
/// so every run also tests the migrations. ./test.sh starts MariaDB and sets the connection string.
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<Task> Built = new(BuildAsync);

    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("GOVERNANCE_TEST_CONNECTION_STRING") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "GOVERNANCE_TEST_CONNECTION_STRING is not set: run the tests with ./test.sh, which starts MariaDB and "
                    + "sets it."
            );

    public static Db Db { get; } = new(ConnectionString);

    public static Task EnsureBuiltAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        var name = MySqlDriver.DatabaseName(ConnectionString);
        if (!name.StartsWith("governance", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"Refusing to drop database '{name}': test databases start with 'governance'."
            );
        await RecreateAsync(name);
        var runner = new MigrationRunner(Db, TimeProvider.System, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync(SqlScript.Migrations());
        await runner.ApplyAsync(SqlScript.DemoSeed());
        await using var c = await Db.OpenAsync();
        (_seedPeopleBelow, _seedUnitsBelow) = await c.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT MAX(id) + 1 FROM person), (SELECT MAX(id) + 1 FROM unit)"
        );
    }

    public static async Task RecreateAsync(string database)
    {
        await using var c = MySqlDriver.CreateConnection(MySqlDriver.ServerLevel(ConnectionString));
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS `{database}`");
        await c.ExecuteAsync($"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    }

    public static async Task DropAsync(string database)
    {
        await using var c = MySqlDriver.CreateConnection(MySqlDriver.ServerLevel(ConnectionString));
        await c.OpenAsync();
        await c.ExecuteAsync($"DROP DATABASE IF EXISTS `{database}`");
    }

    /// <summary>
    /// Removes everything tests create; the seeded reference data (areas, people, categories, calendar) stays.
    /// </summary>
    public static async Task ResetAsync()
    {
        await EnsureBuiltAsync();
        await using var c = await Db.OpenAsync();
        await c.ExecuteAsync(
            """
            DELETE FROM consequence;
            DELETE FROM assessment_result;
            DELETE FROM assessment_entry;
            DELETE FROM assessment_indicator;
            DELETE FROM assessment_scheme;
            DELETE FROM evaluation_answer;
            DELETE FROM evaluation_response;
            DELETE FROM evaluation_question;
            DELETE FROM evaluation_round;
            DELETE FROM survey_call;
            DELETE FROM satisfaction_survey;
            DELETE FROM stat_daily;
            DELETE FROM stat_monthly;
            DELETE FROM stat_day;
            DELETE FROM order_summons;
            DELETE FROM practice_photo;
            DELETE FROM series_attendance;
            DELETE FROM activity_signup;
            DELETE FROM activity_post;
            DELETE FROM activity;
            DELETE FROM series_enrolment;
            DELETE FROM service_series;
            DELETE FROM post_duty;
            DELETE FROM post_holding;
            DELETE FROM service_post;
            DELETE FROM visit;
            DELETE FROM household;
            DELETE FROM area_assignment;
            DELETE FROM service_record;
            DELETE FROM volunteer;
            DELETE FROM volunteer_team;
            DELETE FROM inspection_event;
            DELETE FROM inspection_finding;
            DELETE FROM inspection_round;
            DELETE FROM resource_rule;
            DELETE FROM unit_report;
            DELETE FROM commitment;
            DELETE FROM committee_member;
            DELETE FROM meeting_item;
            DELETE FROM meeting_invitee;
            DELETE FROM meeting;
            DELETE FROM resource_slot;
            DELETE FROM resource_booking;
            DELETE FROM list_progress;
            DELETE FROM list_claim;
            DELETE FROM list_item;
            DELETE FROM inbox_message;
            DELETE FROM delivery;
            DELETE FROM broadcast;
            DELETE FROM subscribe_grant;
            DELETE FROM wechat_inbound;
            DELETE FROM conversation;
            DELETE FROM order_follower;
            DELETE FROM order_shortlist;
            DELETE FROM saved_filter;
            DELETE FROM reply_template WHERE created_by IS NOT NULL;
            DELETE FROM intake_example WHERE source <> 'seed';
            DELETE FROM order_photo;
            DELETE FROM order_event;
            UPDATE service_order SET merged_into_id = NULL WHERE merged_into_id IS NOT NULL;
            DELETE FROM service_order;
            DELETE FROM order_code_seq;
            DELETE FROM job_run;
            """
        );
        // People and units that tests or the scale-data generator added (the demo seed's ids are below these), and
        // the generator's places, go too: a person signed in by one test must not live in another test's building.
        await c.ExecuteAsync(
            $"""
            DELETE FROM registration WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM member WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM unit_admin WHERE person_id >= {_seedPeopleBelow} OR unit_id >= {_seedUnitsBelow};
            DELETE FROM unit_pairing WHERE unit_id >= {_seedUnitsBelow};
            DELETE FROM department_duty WHERE unit_id >= {_seedUnitsBelow};
            UPDATE member SET unit_id = NULL WHERE unit_id >= {_seedUnitsBelow};
            DELETE FROM unit WHERE id >= {_seedUnitsBelow};
            DELETE FROM resident WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM staff_role WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM staff_account WHERE person_id >= {_seedPeopleBelow};
            UPDATE staff_account SET wechat_unionid = NULL, wechat_bound_at = NULL;
            DELETE FROM auth_refresh_token WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM conversation WHERE person_id >= {_seedPeopleBelow};
            DELETE FROM person WHERE id >= {_seedPeopleBelow};
            """
        );
        // The demo's WeChat bindings as the seed made them (a test may have unbound one).
        await c.ExecuteAsync(SqlScript.DemoSeed().Single(s => s.Name.Contains("console_wechat")).Text);
        await c.ExecuteAsync(
            $"""
            DELETE FROM area WHERE id >= {ScaleData.AreaBase * 4};
            DELETE FROM area WHERE id >= {ScaleData.AreaBase * 3};
            DELETE FROM area WHERE id >= {ScaleData.AreaBase * 2};
            DELETE FROM area WHERE id >= {ScaleData.AreaBase};
            DELETE FROM area WHERE id >= {ScaleData.StreetBase} AND id < {ScaleData.StreetBase + 100};
            DELETE FROM area WHERE id = {ScaleData.CountyId};
            """
        );
    }

    /// <summary>
    /// The demo seed's people and units have ids below these (read once the seed is in); everything from there on was
    /// made by a test.
    /// </summary>
    private static long _seedPeopleBelow,
        _seedUnitsBelow;

    public static async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public static async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).AsList();
    }

    public static async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = await Db.OpenAsync();
        await c.ExecuteAsync(sql, args);
    }
}
