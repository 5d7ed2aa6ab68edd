# One image for the three rasad services; docker-compose.yml picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY services ./services
COPY deploy ./deploy
RUN pip install -c constraints.txt . && useradd --system --uid 10001 rasad
USER rasad
EXPOSE 8081 8082 8083
CMD ["rasad", "--help"]
