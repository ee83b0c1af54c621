def test_health_reports_database_ok(client, db):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"
