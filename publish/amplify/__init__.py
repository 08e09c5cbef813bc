"""The employee share kit (issue 13): kit texts and links, the kit page, the amplify messages."""
