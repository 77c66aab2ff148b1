import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EmailTakenError } from '../domain/errors';
import type { UserRecord, Users } from '../domain/ports';
import type { EntityManager } from './orm';
import { User, type UserRow } from './entities';

export class UserRepository implements Users {
  constructor(private readonly em: EntityManager) {}

  async insert(name: string, email: string): Promise<UserRecord> {
    try {
      const id = await this.em.insert<UserRow>(User, { name, email });
      return { id, name, email };
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EmailTakenError(email);
      throw error;
    }
  }

  async findById(id: number, options: { lock?: boolean } = {}): Promise<UserRecord | null> {
    const sql = `select id, name, email from users where id = ?${options.lock ? ' for update' : ''}`;
    const [row] = await this.em.execute<UserRecord[]>(sql, [id]);
    return row ?? null;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.em.nativeDelete(User, { id })) > 0;
  }
}
