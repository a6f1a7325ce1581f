"""Running Lägesbild: nginx in front of several Streamlit replicas (manage.py serve)."""
