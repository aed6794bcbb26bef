from research import create_app

app = create_app()
