"""What differs between Windows, macOS and Linux, and between a frozen bundle and a checkout."""
