def test_board_after_login(reader):
    r = reader.get("/")
    assert r.status_code == 200
    assert "Not started" in r.get_data(as_text=True)
