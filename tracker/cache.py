"""The Redis cache as a convenience, never a dependency: it only carries what web and worker processes share
briefly (an import's progress). With Redis down, a read answers its default and a write is dropped (both logged),
so a page or an import in the request goes on instead of failing (Django's Redis cache raises)."""
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class TolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            logger.warning("cache unreachable: get %s", key, exc_info=True)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            logger.warning("cache unreachable: set %s", key, exc_info=True)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError:
            logger.warning("cache unreachable: add %s", key, exc_info=True)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError:
            logger.warning("cache unreachable: delete %s", key, exc_info=True)
            return False
