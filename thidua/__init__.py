"""Thi Đua — the emulation movement "Vì an ninh Tổ quốc", from plan to handover."""
